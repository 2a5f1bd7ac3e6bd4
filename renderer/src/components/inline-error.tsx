import type { ReactNode } from 'react';
import type { AppError } from '../../../shared/ipc/result';

/** An AppError shown in place (inside a dialog or a card): its message and hint, without a dismiss button. */
export function InlineError({ error, className = '' }: { error: AppError; className?: string }): ReactNode {
  return (
    <div className={`slds-notify slds-notify_alert slds-alert_error ${className}`.trim()} role="alert">
      <div>
        <p className="orgdesk-error-banner__message">{error.message}</p>
        {error.hint === undefined ? null : <p>{error.hint}</p>}
      </div>
    </div>
  );
}
