import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LoadJobState, LoadProgress } from '../../shared/ipc/domains/load';
import { createLoadProgressView } from './load-progress';

function progress(processed: number, failed: number, states: LoadJobState[]): LoadProgress {
  return {
    loadId: 'l1',
    state: 'running',
    counts: { input: 100, excluded: 10, uploaded: 90, processed, success: processed - failed, failed, unprocessed: 0 },
    jobs: states.map((state, i) => ({ jobId: `750${i}`, state, firstRow: i * 50 + 1, lastRow: i * 50 + 50, rows: 45, processed: 0, failed: 0 })),
    rowsPerSecond: 30,
    etaMs: 2000,
    elapsedMs: 1000,
  };
}

function capture(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean; columns?: number }; text: () => string } {
  const stream: PassThrough & { isTTY?: boolean; columns?: number } = new PassThrough();
  stream.isTTY = isTTY;
  stream.columns = 200;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('load progress on stderr', () => {
  it('writes plain lines on a pipe: at most one a second, always when a job changes state, and the last one at the end', () => {
    let now = 0;
    const out = capture(false);
    const view = createLoadProgressView({ stream: out.stream, label: 'Loading Account', now: () => now });
    view.update(progress(0, 0, ['Open', 'Pending']));
    now = 100;
    view.update(progress(10, 1, ['Open', 'Pending']));
    now = 200;
    view.update(progress(20, 2, ['InProgress', 'Pending']));
    now = 300;
    view.update(progress(30, 2, ['InProgress', 'Pending']));
    view.stop();
    expect(out.text().split('\n').filter((line) => line !== '')).toEqual([
      'Loading Account: 0 of 90 rows processed, 0 failed, 90 uploaded; jobs 1 Open, 1 Pending',
      'Loading Account: 20 of 90 rows processed, 2 failed, 90 uploaded; jobs 1 InProgress, 1 Pending',
      'Loading Account: 30 of 90 rows processed, 2 failed, 90 uploaded; jobs 1 InProgress, 1 Pending',
    ]);
  });

  it('draws a cli-progress bar on a terminal with failed rows, jobs, throughput and time left', () => {
    const out = capture(true);
    const view = createLoadProgressView({ stream: out.stream, label: 'Loading Account' });
    view.update(progress(45, 3, ['JobComplete', 'InProgress']));
    view.stop();
    expect(out.text()).toMatch(/Loading Account \[.*\] 45\/90 rows · 3 failed · 90 uploaded · jobs 1\/2 · 30 rows\/s · ETA 2 s/);
  });

  it('prints nothing with --quiet', () => {
    const out = capture(false);
    const view = createLoadProgressView({ stream: out.stream, label: 'Loading Account', quiet: true });
    view.update(progress(45, 3, ['JobComplete']));
    view.stop();
    expect(out.text()).toBe('');
  });
});
