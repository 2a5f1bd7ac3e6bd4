/**
 * Bench of issue 11: latency from a commit in the local org to the event leaving main in an `events:batch` (stored in the
 * capture first), p50/p95/max, with jsforce 3.10.16's streaming client (faye) subscribed to the same channel in the same
 * run for comparison, and lost or repeated events counted by replay id. Then a high-rate phase prints main's heap and RSS
 * every few seconds, which should stay flat (events go to SQLite, not memory). The renderer's share (batch → row drawn)
 * is on top of these figures. The emulator runs in a child process; latency uses the event's `commitTimestamp` (same clock).
 *
 *   npx tsx bench/events/latency.ts [--rate 200] [--seconds 60] [--high-rate 1000] [--high-seconds 30] [--batch-ms 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import jsforce from 'jsforce';
import { StreamingExtension } from 'jsforce/api/streaming';
import { createEventCapture, createEventsService } from '../../core/events';
import { createEmulatorEventsConnections } from '../../core/test-support/emulator-connections';
import { openDatabase } from '../../core/store/database';
import { startLocalOrgProcess } from '../lib/local-org-process';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '60' },
    'high-rate': { type: 'string', default: '1000' },
    'high-seconds': { type: 'string', default: '30' },
    'batch-ms': { type: 'string', default: '100' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const HIGH_RATE = Number(values['high-rate']);
const HIGH_SECONDS = Number(values['high-seconds']);
const CHANNEL = '/data/ContactChangeEvent';
const V = '/services/data/v66.0';
const TICK_MS = 100;


const commitOf = (data: unknown): number => (data as { payload: { ChangeEventHeader: { commitTimestamp: number } } }).payload.ChangeEventHeader.commitTimestamp;
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
/** Prints the closing `summary` block: one aligned line per figure, then cores and load average (the box is shared). */
function printSummary(title: string, figures: readonly (readonly [label: string, value: string])[]): void {
  const width = Math.max(...figures.map(([label]) => label.length));
  console.log(`\nsummary: ${title}`);
  for (const [label, value] of figures) console.log(`  ${label.padEnd(width)}  ${value}`);
  console.log(`  (${cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')})`);
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Creates `rate` contacts per second for `seconds`, in sObject Collections of rate/10 every 100 ms (one commit each). */
async function drive(client: ReturnType<typeof createEmulatorEventsConnections>['connection']['client'], rate: number, seconds: number, onTick?: (tick: number) => void): Promise<number> {
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const ticks = Math.round((seconds * 1000) / TICK_MS);
  const started = performance.now();
  let sent = 0;
  for (let tick = 0; tick < ticks; tick += 1) {
    const records = Array.from({ length: perTick }, (_, i) => ({ attributes: { type: 'Contact' }, LastName: `Bench ${tick}-${i}` }));
    // Chunks of 200 at most: the sObject Collections limit.
    const requests = [];
    for (let i = 0; i < records.length; i += 200) requests.push(client.json('POST', `${V}/composite/sobjects`, { json: { allOrNone: true, records: records.slice(i, i + 200) } }));
    await Promise.all(requests);
    sent += records.length;
    onTick?.(tick);
    const wait = started + (tick + 1) * TICK_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return sent;
}

async function main(): Promise<void> {
  const { url, child } = await startLocalOrgProcess({ orgArgs: ['--no-seed'] });
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-events-bench-'));
  const database = openDatabase({ folder: dir });
  const connections = createEmulatorEventsConnections({ url, username: 'admin@orgdesk.example' });
  const orgdesk: { replayId: number; ms: number }[] = [];
  const service = createEventsService({
    connections,
    capture: createEventCapture({ db: database.db }),
    emitBatch: (batch) => {
      const now = Date.now();
      for (const row of batch.rows) orgdesk.push({ replayId: row.replayId, ms: now - Date.parse(row.eventTime ?? row.receivedAt) });
    },
    emitStatus: () => undefined,
    picker: { pickSavePath: () => Promise.resolve(null) },
    batchMs: Number(values['batch-ms']),
  });
  const token = (await connections.connection.session.access()).accessToken;
  const faye: { replayId: number; ms: number }[] = [];
  const conn = new jsforce.Connection({ instanceUrl: url, accessToken: token, version: '66.0' });
  const fayeClient = conn.streaming.createClient([new StreamingExtension.Replay(CHANNEL, -1)]) as unknown as {
    subscribe(channel: string, cb: (m: Record<string, unknown>) => void): PromiseLike<unknown>;
    disconnect(): void;
  };
  try {
    await service.subscribe('bench', CHANNEL, { kind: 'new' });
    await fayeClient.subscribe(CHANNEL, (message) => {
      faye.push({ replayId: (message as { event: { replayId: number } }).event.replayId, ms: Date.now() - commitOf(message) });
    });

    console.log(`phase 1: ${RATE} events/s for ${SECONDS} s on ${CHANNEL}`);
    const sent = await drive(connections.connection.client, RATE, SECONDS);
    const settle = Date.now() + 10_000;
    while ((orgdesk.length < sent || faye.length < sent) && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 50));

    const report = (samples: { replayId: number; ms: number }[]): { line: string; lost: number; repeated: number } => {
      const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
      const ids = new Set(samples.map((s) => s.replayId));
      return {
        line: `p50 ${percentile(sorted, 50)} ms, p95 ${percentile(sorted, 95)} ms, max ${sorted.at(-1) ?? NaN} ms (${samples.length} events)`,
        lost: Math.max(0, sent - ids.size),
        repeated: samples.length - ids.size,
      };
    };
    const ours = report(orgdesk);
    const theirs = report(faye);

    console.log(`phase 2: ${HIGH_RATE} events/s for ${HIGH_SECONDS} s, main's memory every 5 s`);
    orgdesk.length = 0;
    faye.length = 0;
    const memory: string[] = [];
    const sample = (): void => {
      const m = process.memoryUsage();
      memory.push(`heap ${mb(m.heapUsed)} rss ${mb(m.rss)}`);
    };
    sample();
    const highSent = await drive(connections.connection.client, HIGH_RATE, HIGH_SECONDS, (tick) => {
      if (tick > 0 && tick % 50 === 0) sample();
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    sample();
    console.log(`  ${memory.join('\n  ')}`);

    printSummary(`commit → events:batch (OrgDesk) and commit → callback (jsforce/faye), ${RATE}/s for ${SECONDS} s`, [
      ['OrgDesk latency', ours.line],
      ['OrgDesk lost / repeated', `${ours.lost} / ${ours.repeated} of ${sent}`],
      ['jsforce latency', theirs.line],
      ['jsforce lost / repeated', `${theirs.lost} / ${theirs.repeated} of ${sent}`],
      [`${HIGH_RATE}/s: received`, `OrgDesk ${new Set(orgdesk.map((s) => s.replayId)).size}, jsforce ${new Set(faye.map((s) => s.replayId)).size} of ${highSent}`],
      [`${HIGH_RATE}/s: main memory`, `${memory[0] ?? ''} → ${memory.at(-1) ?? ''}`],
      ['capture', `${service.capture().events} events, ${mb(service.capture().bytes)}`],
    ]);
  } finally {
    fayeClient.disconnect();
    await service.dispose();
    database.close();
    rmSync(dir, { recursive: true, force: true });
    child.kill();
  }
}

await main();
