import type { ReactNode } from 'react';
import type { LoadBusyWait, LoadJobSummary, LoadProgress } from '../../../../shared/ipc/contract';
import { ProgressChart } from './progress-chart';
import { formatCount, formatDuration } from './load-text';
import { StateBadge } from './state-badge';
import type { ProgressSample } from './use-load-run';

/** A load while it runs: one bar (rows processed of the rows sent), the counts, throughput and time left, the live chart, jobs. */
export function LoadProgressView({
  progress,
  samples,
  cancelling,
  onCancel,
}: {
  progress: LoadProgress | null;
  samples: ProgressSample[];
  cancelling: boolean;
  onCancel: () => void;
}): ReactNode {
  const counts = progress?.counts;
  const toLoad = counts === undefined ? 0 : counts.input - counts.excluded;
  const processed = counts?.processed ?? 0;
  const percent = toLoad === 0 ? 0 : Math.min(100, Math.floor((processed / toLoad) * 100));
  const uploadedPercent = toLoad === 0 ? 0 : Math.min(100, Math.floor(((counts?.uploaded ?? 0) / toLoad) * 100));

  return (
    <div className="orgdesk-load-progress">
      <div className="slds-grid slds-grid_vertical-align-center slds-grid_align-spread slds-m-bottom_x-small">
        <StateBadge state={progress?.state ?? 'preparing'} />
        <button type="button" className="slds-button slds-button_destructive" disabled={cancelling} onClick={onCancel}>
          {cancelling ? 'Cancelling…' : 'Cancel load'}
        </button>
      </div>
      <div
        className="slds-progress-bar slds-progress-bar_large orgdesk-load-progress__bar"
        role="progressbar"
        aria-label="Rows processed"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <span className="orgdesk-load-progress__uploaded" style={{ width: `${uploadedPercent}%` }} />
        <span className="slds-progress-bar__value" style={{ width: `${percent}%` }} />
      </div>
      {progress?.busy === undefined ? null : <BusyNotice busy={progress.busy} />}
      <dl className="orgdesk-load-stats" aria-label="Load progress">
        <Stat label="Uploaded" value={`${formatCount(counts?.uploaded ?? 0)} / ${formatCount(toLoad)}`} />
        <Stat label="Processed" value={formatCount(processed)} />
        <Stat label="Failed" value={formatCount(counts?.failed ?? 0)} tone={(counts?.failed ?? 0) > 0 ? 'error' : undefined} />
        <Stat label="Throughput" value={`${formatCount(Math.round(progress?.rowsPerSecond ?? 0))} rows/s`} />
        <Stat label="Time left" value={progress?.etaMs == null ? '—' : formatDuration(progress.etaMs)} />
        <Stat label="Elapsed" value={formatDuration(progress?.elapsedMs ?? 0)} />
      </dl>
      <ProgressChart samples={samples} />
      {progress === null || progress.jobs.length === 0 ? null : <JobTable jobs={progress.jobs} />}
    </div>
  );
}

/**
 * The org answered busy (429, ConcurrentPerOrgLongTxn, 503 with Retry-After) and the engine waits before trying again: the
 * load has not stopped. The time left is counted from the wait's end, redrawn with each progress push.
 */
function BusyNotice({ busy }: { busy: LoadBusyWait }): ReactNode {
  const left = Math.max(0, Date.parse(busy.until) - Date.now());
  return (
    <div className="slds-notify slds-notify_alert slds-alert_warning slds-m-bottom_x-small" role="status" aria-label="The org is busy">
      The org is busy ({busy.limit}): trying again in {formatDuration(left)}, {busy.retry} of {busy.of}.
    </div>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: 'error' | undefined }): ReactNode {
  return (
    <div className="orgdesk-load-stats__item">
      <dt className="slds-text-title">{label}</dt>
      <dd className={`slds-text-heading_small${tone === 'error' ? ' slds-text-color_error' : ''}`}>{value}</dd>
    </div>
  );
}

/** The Bulk API jobs of a load: the rows each holds and what Salesforce said of them. */
export function JobTable({ jobs }: { jobs: LoadJobSummary[] }): ReactNode {
  return (
    <table className="slds-table slds-table_bordered slds-table_cell-buffer slds-m-top_small orgdesk-load-table" aria-label="Bulk API jobs">
      <thead>
        <tr className="slds-line-height_reset">
          <th scope="col">Job</th>
          <th scope="col">State</th>
          <th scope="col">Rows</th>
          <th scope="col">Processed</th>
          <th scope="col">Failed</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={`${job.firstRow}-${job.jobId ?? ''}`}>
            <td>
              <code>{job.jobId ?? '—'}</code>
            </td>
            <td>
              {job.state}
              {job.errorMessage === undefined ? null : <div className="slds-text-color_error slds-text-body_small">{job.errorMessage}</div>}
            </td>
            <td>
              {formatCount(job.firstRow)}–{formatCount(job.lastRow)} ({formatCount(job.rows)})
            </td>
            <td>{formatCount(job.processed)}</td>
            <td>{formatCount(job.failed)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
