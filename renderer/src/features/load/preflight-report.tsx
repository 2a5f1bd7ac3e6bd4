import type { ReactNode } from 'react';
import type { LoadCapacity, PreflightIssueGroup, PreflightProgress, PreflightReport } from '../../../../shared/ipc/contract';
import { agree, countOf, formatCount, formatDuration } from './load-text';

/** While the whole file is checked: rows checked of the row count. */
export function PreflightChecking({ progress, rowCount }: { progress: PreflightProgress | null; rowCount: number }): ReactNode {
  const checked = progress?.rowsChecked ?? 0;
  const total = progress?.rowCount ?? rowCount;
  const percent = total === 0 ? 0 : Math.floor((checked / total) * 100);
  return (
    <div aria-live="polite">
      <p className="slds-text-body_small">
        Checking every row against the object: {formatCount(checked)} of {formatCount(total)}
      </p>
      <div className="slds-progress-bar" role="progressbar" aria-label="Pre-flight check" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span className="slds-progress-bar__value" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/** The outcome of the pre-flight check: rows valid and invalid, then each kind of issue with its count and first examples. */
export function PreflightReportView({ report }: { report: PreflightReport }): ReactNode {
  return (
    <div className="orgdesk-load-report">
      <p className={report.invalidRows === 0 ? 'slds-text-color_success' : 'slds-text-color_error'} role="status">
        {report.invalidRows === 0
          ? `${report.rowsChecked === 1 ? 'The' : 'All'} ${countOf(report.rowsChecked, 'row')} passed the pre-flight check.`
          : `${formatCount(report.invalidRows)} of ${countOf(report.rowsChecked, 'row')} ${agree(report.invalidRows, 'has', 'have')} issues; ${formatCount(report.validRows)} ${agree(report.validRows, 'is', 'are')} valid.`}{' '}
        <span className="slds-text-color_weak">Checked in {formatDuration(report.durationMs)}, before any call to the org.</span>
      </p>
      {report.groups.map((group) => (
        <IssueGroup key={group.kind} group={group} />
      ))}
    </div>
  );
}

function IssueGroup({ group }: { group: PreflightIssueGroup }): ReactNode {
  return (
    <section className="slds-box slds-box_x-small slds-m-top_small orgdesk-load-issue" aria-label={group.message}>
      <div className="orgdesk-load-row">
        <span className="slds-badge orgdesk-load-issue__count">{formatCount(group.count)}</span>
        <h3 className="slds-text-heading_small">{group.message}</h3>
      </div>
      {group.hint === undefined ? null : <p className="slds-text-body_small slds-m-top_xx-small orgdesk-load-issue__hint">{group.hint}</p>}
      {group.examples.length === 0 ? null : (
        <table className="slds-table slds-table_bordered slds-table_cell-buffer slds-m-top_x-small orgdesk-load-table" aria-label={`Examples: ${group.message}`}>
          <thead>
            <tr className="slds-line-height_reset">
              <th scope="col">Row</th>
              <th scope="col">Column</th>
              <th scope="col">Value</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {group.examples.map((example, index) => (
              <tr key={index}>
                <td>{formatCount(example.row)}</td>
                <td>{example.column}</td>
                <td className="orgdesk-load-issue__value" title={example.value}>
                  {example.value === '' ? <span className="slds-text-color_weak">(empty)</span> : example.value}
                </td>
                <td>{example.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** What the load needs against what the org's limits say is left. */
export function CapacityView({ capacity }: { capacity: LoadCapacity }): ReactNode {
  const left = (value: number | null): string => (value === null ? 'unknown' : formatCount(value));
  return (
    <div className={`slds-box slds-box_x-small slds-m-top_small${capacity.fits ? '' : ' slds-theme_error'}`} role={capacity.fits ? 'status' : 'alert'}>
      <p className="slds-text-body_small">
        {capacity.jobs === 1 ? '1 Bulk API job' : `${formatCount(capacity.jobs)} Bulk API jobs`} · {formatCount(capacity.apiCallsNeeded)} API calls of{' '}
        {left(capacity.apiCallsRemaining)} left · {formatCount(capacity.bulkBatchesNeeded)} Bulk batches of {left(capacity.bulkBatchesRemaining)} left
      </p>
      {capacity.fits ? null : <p className="slds-text-body_small">The load does not fit in what the org has left today: wait for the limits to reset, or load fewer rows.</p>}
    </div>
  );
}
