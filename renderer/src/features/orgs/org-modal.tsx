import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import type { AppError } from '../../../../shared/ipc/result';
import { InlineError } from '../../components/inline-error';

/** An SLDS modal dialog holding a form: Escape or Cancel closes it, the submit button confirms. */
export function OrgModal({
  title,
  children,
  confirmLabel,
  confirmVariant = 'brand',
  busy = false,
  error = null,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  confirmVariant?: 'brand' | 'destructive';
  busy?: boolean;
  /** An error to show inside the dialog (the shell's banner sits behind the backdrop). */
  error?: AppError | null;
  onConfirm: () => void;
  onCancel: () => void;
}): ReactNode {
  const headingId = useId();
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const first = panel.current?.querySelector<HTMLElement>('input, select, textarea, button.orgdesk-modal__confirm');
    first?.focus();
  }, []);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!busy) onConfirm();
  };

  return (
    <>
      <section
        role="dialog"
        tabIndex={-1}
        aria-modal="true"
        aria-labelledby={headingId}
        className="slds-modal slds-fade-in-open"
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel();
        }}
      >
        <div className="slds-modal__container" ref={panel}>
          <form onSubmit={submit} noValidate>
            <div className="slds-modal__header">
              <h1 id={headingId} className="slds-modal__title slds-hyphenate">
                {title}
              </h1>
            </div>
            <div className="slds-modal__content slds-p-around_medium">
              {children}
              {error === null ? null : <InlineError error={error} className="slds-m-top_small orgdesk-modal__error" />}
            </div>
            <div className="slds-modal__footer">
              <button type="button" className="slds-button slds-button_neutral" onClick={onCancel}>
                Cancel
              </button>
              <button
                type="submit"
                className={`slds-button slds-button_${confirmVariant} orgdesk-modal__confirm`}
                disabled={busy}
              >
                {confirmLabel}
              </button>
            </div>
          </form>
        </div>
      </section>
      <div className="slds-backdrop slds-backdrop_open" role="presentation" />
    </>
  );
}
