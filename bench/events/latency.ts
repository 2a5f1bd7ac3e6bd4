/**
 * Bench of issues 11 and 18: latency from a commit in the local org to the event leaving main in an `events:batch` (stored
 * in the capture first), p50/p95/max, for OrgDesk over the Pub/Sub API and over CometD (two services, each with its own
 * capture), with jsforce 3.10.16's streaming client (faye) on the same channel in the same run for comparison, and lost
 * or repeated events counted by replay id — at `--rate` and at `--high-rate`. Then a memory phase runs the Pub/Sub path
 * alone at `--high-rate` for `--rss-seconds` and prints main's heap and RSS every 10 s, which should stay flat after
 * warm-up (events go to SQLite, not memory). The renderer's share (batch → row drawn) is on top of these figures. The
 * emulator runs in a child process; latency uses the event's `commitTimestamp` (same clock).
 *
 *   npx tsx bench/events/latency.ts [--rate 200] [--seconds 60] [--high-rate 1000] [--high-seconds 30] [--rss-seconds 600] [--batch-ms 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import jsforce from 'jsforce';
import { StreamingExtension } from 'jsforce/api/streaming';
import { createEventCapture, createEventsService, type EventsService } from '../../core/events';
import { createEmulatorEventsConnections, emulatorAdmin } from '../../core/test-support/emulator-connections';
import { openDatabase } from '../../core/store/database';
import { startLocalOrgProcess } from '../lib/local-org-process';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '60' },
    'high-rate': { type: 'string', default: '1000' },
    'high-seconds': { type: 'string', default: '30' },
    'rss-seconds': { type: 'string', default: '600' },
    'batch-ms': { type: 'string', default: '100' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const HIGH_RATE = Number(values['high-rate']);
const HIGH_SECONDS = Number(values['high-seconds']);
const RSS_SECONDS = Number(values['rss-seconds']);
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

type Sample = { replayId: number; ms: number };
type Report = { line: string; lost: number; repeated: number };

/** p50/p95/max of a phase's samples, and the events lost or repeated by replay id against the number sent. */
function report(samples: Sample[], sent: number): Report {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const ids = new Set(samples.map((s) => s.replayId));
  return {
    line: `p50 ${percentile(sorted, 50)} ms, p95 ${percentile(sorted, 95)} ms, max ${sorted.at(-1) ?? NaN} ms (${samples.length} events)`,
    lost: Math.max(0, sent - ids.size),
    repeated: samples.length - ids.size,
  };
}

/** One OrgDesk events service on its own capture, recording commit → batch latency per row. */
function orgdeskService(connections: ReturnType<typeof createEmulatorEventsConnections>, api: 'pubsub' | 'cometd', samples: Sample[]): { service: EventsService; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), `orgdesk-events-bench-${api}-`));
  const database = openDatabase({ folder: dir });
  const service = createEventsService({
    connections,
    defaultApi: api,
    capture: createEventCapture({ db: database.db }),
    emitBatch: (batch) => {
      const now = Date.now();
      for (const row of batch.rows) samples.push({ replayId: row.replayId, ms: now - Date.parse(row.eventTime ?? row.receivedAt) });
    },
    emitStatus: () => undefined,
    picker: { pickSavePath: () => Promise.resolve(null) },
    batchMs: Number(values['batch-ms']),
  });
  return {
    service,
    close() {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const { url, child } = await startLocalOrgProcess({ orgArgs: ['--no-seed'] });
  const pubsubEndpoint = ((await emulatorAdmin(url, 'GET', 'pubsub')) as { url: string }).url;
  const connections = createEmulatorEventsConnections({ url, username: 'admin@orgdesk.example', pubsubEndpoint });
  const pubsub: Sample[] = [];
  const cometd: Sample[] = [];
  const faye: Sample[] = [];
  const viaPubSub = orgdeskService(connections, 'pubsub', pubsub);
  const viaCometD = orgdeskService(connections, 'cometd', cometd);
  const token = (await connections.connection.session.access()).accessToken;
  const conn = new jsforce.Connection({ instanceUrl: url, accessToken: token, version: '66.0' });
  const fayeClient = conn.streaming.createClient([new StreamingExtension.Replay(CHANNEL, -1)]) as unknown as {
    subscribe(channel: string, cb: (m: Record<string, unknown>) => void): PromiseLike<unknown>;
    disconnect(): void;
  };
  try {
    await viaPubSub.service.subscribe('bench', CHANNEL, { kind: 'new' });
    await viaCometD.service.subscribe('bench', CHANNEL, { kind: 'new' });
    await fayeClient.subscribe(CHANNEL, (message) => {
      faye.push({ replayId: (message as { event: { replayId: number } }).event.replayId, ms: Date.now() - commitOf(message) });
    });

    const phase = async (rate: number, seconds: number): Promise<{ sent: number; pubsub: Report; cometd: Report; faye: Report }> => {
      for (const list of [pubsub, cometd, faye]) list.length = 0;
      console.log(`latency: ${rate} events/s for ${seconds} s on ${CHANNEL}`);
      const sent = await drive(connections.connection.client, rate, seconds);
      const settle = Date.now() + 15_000;
      while ((pubsub.length < sent || cometd.length < sent || faye.length < sent) && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 50));
      return { sent, pubsub: report(pubsub, sent), cometd: report(cometd, sent), faye: report(faye, sent) };
    };
    const low = await phase(RATE, SECONDS);
    const high = await phase(HIGH_RATE, HIGH_SECONDS);

    console.log(`memory: Pub/Sub alone at ${HIGH_RATE} events/s for ${RSS_SECONDS} s, main's memory every 10 s`);
    fayeClient.disconnect();
    await viaCometD.service.dispose();
    pubsub.length = 0;
    const memory: string[] = [];
    const rss: number[] = [];
    const sample = (): void => {
      const m = process.memoryUsage();
      rss.push(m.rss);
      memory.push(`heap ${mb(m.heapUsed)} rss ${mb(m.rss)}`);
    };
    sample();
    const rssSent = await drive(connections.connection.client, HIGH_RATE, RSS_SECONDS, (tick) => {
      if (tick > 0 && tick % 100 === 0) sample();
    });
    const drained = Date.now() + 30_000;
    while (new Set(pubsub.map((s) => s.replayId)).size < rssSent && Date.now() < drained) await new Promise((resolve) => setTimeout(resolve, 100));
    sample();
    console.log(`  ${memory.join('\n  ')}`);
    // Warm-up: the first minute (or first third of a shorter run); the spread after it is what should stay small.
    const warm = rss.slice(Math.min(Math.max(1, Math.round(rss.length / 3)), 7));
    const spread = warm.length === 0 ? NaN : Math.max(...warm) - Math.min(...warm);
    const rssReport = report(pubsub, rssSent);

    const rows = (label: string, r: { sent: number; pubsub: Report; cometd: Report; faye: Report }): [string, string][] => [
      [`${label}: Pub/Sub`, `${r.pubsub.line}; lost ${r.pubsub.lost}, repeated ${r.pubsub.repeated} of ${r.sent}`],
      [`${label}: CometD`, `${r.cometd.line}; lost ${r.cometd.lost}, repeated ${r.cometd.repeated} of ${r.sent}`],
      [`${label}: jsforce/faye`, `${r.faye.line}; lost ${r.faye.lost}, repeated ${r.faye.repeated} of ${r.sent}`],
    ];
    printSummary('commit → events:batch (OrgDesk over Pub/Sub and CometD) and commit → callback (jsforce/faye)', [
      ...rows(`${RATE}/s × ${SECONDS} s`, low),
      ...rows(`${HIGH_RATE}/s × ${HIGH_SECONDS} s`, high),
      [`memory ${HIGH_RATE}/s × ${RSS_SECONDS} s`, `${memory[0] ?? ''} → ${memory.at(-1) ?? ''}; RSS spread after warm-up ${mb(spread)} (target ≤ 20 MB)`],
      [`memory phase: Pub/Sub`, `not received 30 s after the last commit ${rssReport.lost}, repeated ${rssReport.repeated} of ${rssSent}; ${rssReport.line}`],
      ['capture (Pub/Sub)', `${viaPubSub.service.capture().events} events, ${mb(viaPubSub.service.capture().bytes)}`],
    ]);
  } finally {
    fayeClient.disconnect();
    await viaPubSub.service.dispose();
    await viaCometD.service.dispose();
    viaPubSub.close();
    viaCometD.close();
    child.kill();
  }
}

await main();
