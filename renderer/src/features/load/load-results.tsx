import type { ReactNode } from 'react';
import type { LoadSummary } from '../../../../shared/ipc/contract';
import { retrySentences } from '../../../../shared/salesforce/lock-retries';
import { JobTable } from './load-progress';
import { agree, countOf, countsAddUp, formatCount, operationLabel } from './load-text';
import { StateBadge } from './state-badge';

/**
 * An ended load: the counts that add up to the input (success + failed + unprocessed + excluded), the result files where
 * main wrote them, what was committed when it was cancelled, and "Retry failed rows".
 */
export function LoadResults({
  summary,
  onRetryFailed,
  onNewLoad,
  busy,
}: {
  summary: LoadSummary;
  onRetryFailed: () => void;
  onNewLoad: () => void;
  busy: boolean;
}): ReactNode {
  const { counts, files } = summary;
  const adds = countsAddUp(counts);
  const rows: { label: string; count: number; path: string | null; tone?: string }[] = [
    { label: 'Succeeded', count: counts.success, path: files.success, tone: 'slds-text-color_success' },
    { label: 'Failed', count: counts.failed, path: files.failure, tone: counts.failed > 0 ? 'slds-text-color_error' : '' },
    { label: 'Not processed', count: counts.unprocessed, path: files.unprocessed },
    { label: 'Left out by pre-flight', count: counts.excluded, path: files.excluded },
  ];

  return (
    <div className="orgdesk-load-results">
      <p className="slds-m-bottom_small">
        <StateBadge state={summary.state} /> {operationLabel(summary.operation)} of {summary.objectName} from <strong>{summary.fileName}</strong>
      </p>
      {summary.error === undefined ? null : (
        <div className="slds-notify slds-notify_alert slds-alert_error slds-m-bottom_small" role="alert">
          <div>
            <p className="orgdesk-error-banner__message">{summary.error.message}</p>
            {summary.error.hint === undefined ? null : <p>{summary.error.hint}</p>}
          </div>
        </div>
      )}
      {summary.state === 'cancelled' ? (
        <p className="slds-m-bottom_small" role="status">
          Cancelled: {countOf(counts.success, 'row')} {agree(counts.success, 'was', 'were')} already committed in the org; {formatCount(counts.unprocessed)}{' '}
          {agree(counts.unprocessed, 'was', 'were')} not processed.
        </p>
      ) : null}
      <table className="slds-table slds-table_bordered slds-table_cell-buffer orgdesk-load-table" aria-label="Result files">
        <thead>
          <tr className="slds-line-height_reset">
            <th scope="col">Rows</th>
            <th scope="col" className="orgdesk-load-results__count">
              Count
            </th>
            <th scope="col">File</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row" className={row.tone}>
                {row.label}
              </th>
              <td className="orgdesk-load-results__count">{formatCount(row.count)}</td>
              <td className="orgdesk-load-results__path">{row.path === null ? <span className="slds-text-color_weak">—</span> : <code title={row.path}>{row.path}</code>}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Input rows</th>
            <td className="orgdesk-load-results__count">{formatCount(counts.input)}</td>
            <td className={adds ? 'slds-text-color_success' : 'slds-text-color_error'} role="status">
              {adds
                ? `✓ ${formatCount(counts.success)} + ${formatCount(counts.failed)} + ${formatCount(counts.unprocessed)} + ${formatCount(counts.excluded)} = ${formatCount(counts.input)}: every row is in exactly one file`
                : `The files hold ${countOf(counts.success + counts.failed + counts.unprocessed + counts.excluded, 'row')} of ${formatCount(counts.input)}`}
            </td>
          </tr>
        </tfoot>
      </table>
      {summary.retries === undefined ? null : (
        <ul className="slds-m-top_small orgdesk-load-results__retries" aria-label="Retried automatically">
          {retrySentences(summary.retries).map((line) => (
            <li key={line} className="slds-text-body_small">
              {line}
            </li>
          ))}
        </ul>
      )}
      <div className="slds-m-top_small orgdesk-load-row">
        {counts.failed > 0 ? (
          <button type="button" className="slds-button slds-button_brand" disabled={busy} onClick={onRetryFailed}>
            Retry {countOf(counts.failed, 'failed row')}
          </button>
        ) : null}
        <button type="button" className="slds-button slds-button_neutral" onClick={onNewLoad}>
          New load
        </button>
      </div>
      {summary.jobs.length === 0 ? null : <JobTable jobs={summary.jobs} />}
    </div>
  );
}
