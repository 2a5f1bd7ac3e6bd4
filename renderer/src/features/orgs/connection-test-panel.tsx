import { useId, useState, type ReactNode } from 'react';
import type { ConnectionTestResult, OrgSummary } from '../../../../shared/ipc/domains/orgs';
import type { OrgActions } from './use-org-actions';

/** "Test connection": logs in afresh and shows the org id, user, instance, API version and today's API usage as a bar. */
export function ConnectionTestPanel({ org, actions }: { org: OrgSummary; actions: OrgActions }): ReactNode {
  const id = useId();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);

  const test = async (): Promise<void> => {
    setTesting(true);
    setResult(null);
    setResult(await actions.testConnection(org.id));
    setTesting(false);
  };

  return (
    <article className="slds-card orgdesk-org-card" aria-labelledby={`${id}-title`}>
      <div className="slds-card__header">
        <h2 id={`${id}-title`} className="slds-card__header-title slds-text-heading_small">
          Connection
        </h2>
      </div>
      <div className="slds-card__body slds-card__body_inner">
        <button type="button" className="slds-button slds-button_brand" disabled={testing || org.certificate === null} onClick={() => void test()}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        {org.certificate === null ? <span className="slds-text-color_weak slds-m-left_small">Generate or import a key first.</span> : null}
        {result === null ? null : <ConnectionFacts result={result} />}
      </div>
    </article>
  );
}

function ConnectionFacts({ result }: { result: ConnectionTestResult }): ReactNode {
  const { used, max } = result.apiUsage;
  const percent = max > 0 ? Math.min(100, Math.round((used / max) * 100)) : 0;
  return (
    <div className="slds-m-top_small" role="status" aria-label="Connection test result">
      <p className="slds-text-color_success slds-m-bottom_x-small">Connected.</p>
      <dl className="slds-list_horizontal slds-wrap orgdesk-facts">
        <dt className="slds-item_label slds-text-color_weak">Org ID</dt>
        <dd className="slds-item_detail orgdesk-mono" data-testid="connection-org-id">
          {result.orgId}
        </dd>
        <dt className="slds-item_label slds-text-color_weak">User</dt>
        <dd className="slds-item_detail">
          {result.username} <span className="slds-text-color_weak orgdesk-mono">({result.userId})</span>
        </dd>
        <dt className="slds-item_label slds-text-color_weak">Instance</dt>
        <dd className="slds-item_detail orgdesk-mono">{result.instanceUrl}</dd>
        <dt className="slds-item_label slds-text-color_weak">API version</dt>
        <dd className="slds-item_detail">{result.apiVersion}</dd>
        <dt className="slds-item_label slds-text-color_weak">Daily API requests</dt>
        <dd className="slds-item_detail orgdesk-usage">
          <div
            className="slds-progress-bar slds-progress-bar_medium"
            role="progressbar"
            aria-label="Daily API requests used"
            aria-valuemin={0}
            aria-valuemax={max}
            aria-valuenow={used}
            aria-valuetext={`${used.toLocaleString('en-US')} of ${max.toLocaleString('en-US')} used`}
          >
            <span className={`slds-progress-bar__value${percent >= 90 ? ' orgdesk-usage_high' : ''}`} style={{ width: `${percent}%` }} />
          </div>
          <span className="slds-text-color_weak">
            {used.toLocaleString('en-US')} of {max.toLocaleString('en-US')} used today ({percent}%)
          </span>
        </dd>
      </dl>
    </div>
  );
}
