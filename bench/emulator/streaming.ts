/**
 * Benchmark of the local org's Streaming API: commit-to-delivery latency (p50/p95/max) of change events at 200 and
 * 1,000 events/s with 10 long-polling subscribers, the emulator's memory at 1,000 idle long-polls, the same latency with
 * those 1,000 long-polls held, and a 1,000-subscriber fan-out. Every subscriber checks it got every event once, in
 * order. The org runs in a child process (its memory alone; the subscribers do not share its event loop).
 * Printed, not asserted. Run: `npx tsx bench/emulator/streaming.ts [seconds per phase]`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bayeuxPoller, type BayeuxPoller } from './lib/bayeux-poller';
import { printSummary } from './lib/summary';

const SECONDS = Number(process.argv[2] ?? 5);
const CHANNEL = '/data/AccountChangeEvent';
const wallNow = (): number => performance.timeOrigin + performance.now();

type Reply = { type: string; [key: string]: unknown };

function startOrg(): Promise<{ child: ChildProcess; url: string; token: string; ask(message: Record<string, unknown>, type: string): Promise<Reply> }> {
  const child = fork(fileURLToPath(new URL('./lib/streaming-org.ts', import.meta.url)), [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (message: Record<string, unknown>, type: string): Promise<Reply> =>
    new Promise((resolve) => {
      const onMessage = (reply: Reply): void => {
        if (reply.type !== type) return;
        child.off('message', onMessage);
        resolve(reply);
      };
      child.on('message', onMessage);
      child.send(message);
    });
  return new Promise((resolve) => {
    child.once('message', (reply: Reply) => resolve({ child, url: String(reply.url), token: String(reply.token), ask }));
  });
}

type Subscriber = { caller: BayeuxPoller; latencies: number[]; replayIds: number[]; errors: string[]; loop?: Promise<void> };

async function subscribe(url: string, token: string, channel: string): Promise<Subscriber> {
  const caller = bayeuxPoller(url, token);
  await caller.start(channel);
  return { caller, latencies: [], replayIds: [], errors: [] };
}

function listen(s: Subscriber, until: () => boolean): Promise<void> {
  s.loop = (async () => {
    while (!until()) {
      let answer: Awaited<ReturnType<BayeuxPoller['connect']>>;
      try {
        answer = await s.caller.connect();
      } catch (error) {
        s.errors.push(String((error as Error).cause ?? error));
        if (s.errors.length > 20) return;
        continue;
      }
      const { events, reply } = answer;
      const at = wallNow();
      if (reply.successful !== true) throw new Error(`connect failed: ${JSON.stringify(reply)}`);
      for (const e of events) {
        const data = e.data as { event: { replayId: number }; payload: { Description?: string } };
        s.replayIds.push(data.event.replayId);
        if (data.payload.Description !== undefined) s.latencies.push(at - Number(data.payload.Description));
      }
    }
  })();
  return s.loop;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

type Phase = { label: string; p50: number; p95: number; max: number; delivered: number; expected: number; ordered: boolean; errors: string[] };

async function latencyPhase(org: Awaited<ReturnType<typeof startOrg>>, label: string, rate: number, subscribers: number, seconds = SECONDS): Promise<Phase> {
  const subs = await Promise.all(Array.from({ length: subscribers }, () => subscribe(org.url, org.token, CHANNEL)));
  let expected = Number.POSITIVE_INFINITY;
  const done = (s: Subscriber) => (): boolean => s.replayIds.length >= expected;
  const loops = subs.map((s) => listen(s, done(s)));
  const produced = await org.ask({ type: 'produce', rate, seconds }, 'produced');
  expected = Number(produced.count);
  // Each loop ends once its subscriber has every event; a last held connect is released by one more event.
  const settle = Promise.all(loops);
  const timer = setInterval(() => void org.ask({ type: 'produce', rate: 1, seconds: 1 }, 'produced'), 500);
  await Promise.race([settle, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  clearInterval(timer);
  const all = subs.flatMap((s) => s.latencies.slice(0, expected)).sort((a, b) => a - b);
  const ordered = subs.every((s) => s.replayIds.every((id, i) => i === 0 || id > (s.replayIds[i - 1] as number)));
  const delivered = subs.reduce((n, s) => n + Math.min(expected, s.replayIds.length), 0);
  for (const s of subs) await s.caller.disconnect();
  return { label, p50: percentile(all, 50), p95: percentile(all, 95), max: all.at(-1) ?? Number.NaN, delivered, expected: expected * subscribers, ordered, errors: subs.flatMap((s) => s.errors) };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (n: number): string => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  const org = await startOrg();
  try {
    await latencyPhase(org, 'warm-up', 200, 2, 1);
    const phases: Phase[] = [];
    phases.push(await latencyPhase(org, '200 events/s, 10 subscribers', 200, 10));
    phases.push(await latencyPhase(org, '1,000 events/s, 10 subscribers', 1000, 10));

    const before = (await org.ask({ type: 'memory' }, 'memory')).usage as NodeJS.MemoryUsage;
    const idle = await Promise.all(Array.from({ length: 1000 }, () => subscribe(org.url, org.token, '/event/Order_Event__e')));
    const held = idle.map((s) => s.caller.connect().catch(() => undefined));
    const until = Date.now() + 30_000;
    let waiting = 0;
    while (waiting < 1000 && Date.now() < until) {
      waiting = Number((await org.ask({ type: 'status' }, 'status')).clients);
      if (waiting < 1000) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const after = (await org.ask({ type: 'memory' }, 'memory')).usage as NodeJS.MemoryUsage;
    phases.push(await latencyPhase(org, '1,000 events/s, 10 subscribers, 1,000 idle long-polls held', 1000, 10));

    const fanOut = await latencyPhase(org, '100 events/s to 1,000 subscribers (100,000 deliveries/s)', 100, 1000, 3);
    phases.push(fanOut);

    for (const p of phases) {
      console.log(`${p.label}: p50 ${ms(p.p50)}, p95 ${ms(p.p95)}, max ${ms(p.max)}; delivered ${p.delivered.toLocaleString('en-US')} of ${p.expected.toLocaleString('en-US')}, ${p.ordered ? 'in order' : 'OUT OF ORDER'}${p.errors.length > 0 ? `; ${p.errors.length} failed requests (${p.errors[0] ?? ''})` : ''}`);
    }
    console.log(`idle long-polls held: ${waiting}; org heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, RSS ${mb(before.rss)} → ${mb(after.rss)} (${((after.rss - before.rss) / 1000 / 1024).toFixed(1)} KB RSS and ${((after.heapUsed - before.heapUsed) / 1000 / 1024).toFixed(1)} KB heap per long-poll)`);
    printSummary('Streaming API (CometD long-polling), commit-to-delivery latency p50 / p95 / max', [
      ...phases.map((p) => [p.label, `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.max)}  (${p.delivered === p.expected && p.ordered ? 'all delivered, in order' : `${p.delivered}/${p.expected}${p.ordered ? '' : ', out of order'}`})`] as const),
      ['memory at 1,000 idle long-polls', `RSS +${mb(after.rss - before.rss)}, heap +${mb(after.heapUsed - before.heapUsed)} (org process)`],
    ]);
    for (const s of idle) void s.caller.disconnect();
    await Promise.all(held);
  } finally {
    await new Promise((resolve) => {
      org.child.once('exit', resolve);
      org.child.send({ type: 'stop' });
    });
  }
}

void main();
