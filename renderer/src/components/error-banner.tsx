import type { ReactNode } from 'react';
import type { AppError } from '../../../shared/ipc/result';

/** An SLDS alert bar with a dismiss button: `error` tone for failures (role alert), `info` for news (role status). */
export function DismissibleAlert({
  tone,
  className,
  onDismiss,
  children,
}: {
  tone: 'error' | 'info';
  className: string;
  onDismiss: () => void;
  children: ReactNode;
}): ReactNode {
  return (
    <div className={`slds-notify slds-notify_alert slds-alert_${tone} ${className}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
      <div className="slds-notify__close">
        <button type="button" className="slds-button slds-button_icon slds-button_icon-inverse" onClick={onDismiss} title="Dismiss">
          <span aria-hidden="true">×</span>
          <span className="slds-assistive-text">Dismiss</span>
        </button>
      </div>
    </div>
  );
}

/** An SLDS error alert showing what happened (message) and what to do (hint); never a stack or a code alone. */
export function ErrorBanner({ error, onDismiss }: { error: AppError; onDismiss: () => void }): ReactNode {
  return (
    <DismissibleAlert tone="error" className="orgdesk-error-banner" onDismiss={onDismiss}>
      <div className="orgdesk-error-banner__text">
        <h2 className="orgdesk-error-banner__message">{error.message}</h2>
        {error.hint === undefined ? null : <p className="orgdesk-error-banner__hint">{error.hint}</p>}
      </div>
    </DismissibleAlert>
  );
}
