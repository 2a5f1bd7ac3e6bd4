import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import type { AppError } from '../../../shared/ipc/result';
import { InlineError } from './inline-error';

/**
 * An SLDS modal dialog holding a form: Escape or Cancel closes it, the submit button confirms.
 * `alert` makes it an alertdialog for a consequential choice: a warning header, the focus on Cancel,
 * and no way out while the confirmed work runs.
 */
export function ModalDialog({
  title,
  children,
  confirmLabel,
  busyLabel,
  confirmVariant = 'brand',
  alert = false,
  busy = false,
  error = null,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The confirm button's text while busy (defaults to confirmLabel). */
  busyLabel?: string;
  confirmVariant?: 'brand' | 'destructive';
  alert?: boolean;
  busy?: boolean;
  /** An error to show inside the dialog (the shell's banner sits behind the backdrop). */
  error?: AppError | null;
  onConfirm: () => void;
  onCancel: () => void;
}): ReactNode {
  const headingId = useId();
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = alert ? 'button.orgdesk-modal__cancel' : 'input, select, textarea, button.orgdesk-modal__confirm';
    panel.current?.querySelector<HTMLElement>(target)?.focus();
  }, [alert]);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!busy) onConfirm();
  };

  return (
    <>
      <section
        role={alert ? 'alertdialog' : 'dialog'}
        tabIndex={-1}
        aria-modal="true"
        aria-labelledby={headingId}
        className={`slds-modal slds-fade-in-open${alert ? ' slds-modal_prompt' : ''}`}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && !(busy && alert)) onCancel();
        }}
      >
        <div className="slds-modal__container" ref={panel}>
          <form onSubmit={submit} noValidate>
            <div className={`slds-modal__header${alert ? ' slds-theme_warning' : ''}`}>
              <h1 id={headingId} className="slds-modal__title slds-hyphenate">
                {title}
              </h1>
            </div>
            <div className="slds-modal__content slds-p-around_medium">
              {children}
              {error === null ? null : <InlineError error={error} className="slds-m-top_small orgdesk-modal__error" />}
            </div>
            <div className="slds-modal__footer">
              <button type="button" className="slds-button slds-button_neutral orgdesk-modal__cancel" onClick={onCancel} disabled={busy && alert}>
                Cancel
              </button>
              <button
                type="submit"
                className={`slds-button slds-button_${confirmVariant} orgdesk-modal__confirm`}
                disabled={busy}
              >
                {busy ? (busyLabel ?? confirmLabel) : confirmLabel}
              </button>
            </div>
          </form>
        </div>
      </section>
      <div className="slds-backdrop slds-backdrop_open" role="presentation" />
    </>
  );
}
