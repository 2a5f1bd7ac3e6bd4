/**
 * The events half of the fault-schedule harness (test and soak support): the steps a schedule is made of, drawn by
 * fast-check, and the local org driven over HTTP as a person (REST commits) and as its admin (the fault table) would.
 */
import fc from 'fast-check';

/** The consumer a schedule runs: the events service in this process, or `orgdesk events --out` as a child process. */
export type EventsConsumerStep = { kind: 'consumer'; consumer: 'service' | 'cli'; start: 'new' | 'latest' };

/** A fault armed through `POST /__emulator/faults` (the org's fault table), all on the Streaming API's path but the session expiry. */
type EventsFault =
  | { kind: 'latency'; ms: number; times: number }
  | { kind: 'error'; status: number; times: number }
  | { kind: 'reset'; afterBytes: number }
  | { kind: 'streaming-lost-reply' }
  | { kind: 'streaming-drop-client' }
  | { kind: 'streaming-expire-session' }
  | { kind: 'expire-sessions' };

/** One step of an events schedule. */
export type EventsStep =
  | EventsConsumerStep
  | { kind: 'commit'; count: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'fault'; fault: EventsFault }
  /** The consumer's capture refuses every write for `ms` (a full disk), then recovers (service consumer only). */
  | { kind: 'disk-full'; ms: number }
  /** A graceful stop and a new start resuming from the checkpoint (service consumer). */
  | { kind: 'restart' }
  /** SIGKILL `afterMs` from now, then started again resuming from its checkpoint (CLI consumer). */
  | { kind: 'kill'; afterMs: number };

const fault: fc.Arbitrary<EventsFault> = fc.oneof(
  fc.record({ kind: fc.constant('latency' as const), ms: fc.integer({ min: 20, max: 400 }), times: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('error' as const), status: fc.constantFrom(500, 503), times: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ kind: fc.constant('reset' as const), afterBytes: fc.integer({ min: 0, max: 300 }) }),
  fc.constant({ kind: 'streaming-lost-reply' as const }),
  fc.constant({ kind: 'streaming-drop-client' as const }),
  fc.constant({ kind: 'streaming-expire-session' as const }),
  fc.constant({ kind: 'expire-sessions' as const }),
);

/** Commits, waits and faults; a fault is followed by commits as often as not, so it lands while events are in flight. */
const commonStep: fc.Arbitrary<EventsStep> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('commit' as const), count: fc.integer({ min: 1, max: 4 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 300 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('fault' as const), fault }), weight: 3 },
);

/** Schedules for the in-process service: faults, full disks and graceful restarts between commits. */
export const serviceSchedule: fc.Arbitrary<EventsStep[]> = fc
  .tuple(
    fc.record({ kind: fc.constant('consumer' as const), consumer: fc.constant('service' as const), start: fc.constantFrom('new' as const, 'latest' as const) }),
    fc.array(
      fc.oneof(
        { arbitrary: commonStep, weight: 6 },
        { arbitrary: fc.record({ kind: fc.constant('disk-full' as const), ms: fc.integer({ min: 50, max: 600 }) }), weight: 1 },
        { arbitrary: fc.constant({ kind: 'restart' as const }), weight: 1 },
      ),
      { minLength: 1, maxLength: 10 },
    ),
  )
  .map(([consumer, steps]) => [consumer, ...steps]);

/** Schedules for `orgdesk events --out` in a child process: faults and hard kills (at least one) between commits. */
export const cliSchedule: fc.Arbitrary<EventsStep[]> = fc
  .tuple(
    fc.constant({ kind: 'consumer' as const, consumer: 'cli' as const, start: 'latest' as const }),
    fc.array(fc.oneof({ arbitrary: commonStep, weight: 4 }, { arbitrary: fc.record({ kind: fc.constant('kill' as const), afterMs: fc.integer({ min: 0, max: 1500 }) }), weight: 1 }), {
      minLength: 1,
      maxLength: 6,
    }),
    fc.integer({ min: 0, max: 1500 }),
  )
  .map(([consumer, steps, killAfterMs]) => (steps.some((s) => s.kind === 'kill') ? [consumer, ...steps] : [consumer, ...steps, { kind: 'kill' as const, afterMs: killAfterMs }]));

/** The local org as the harness drives it: REST commits, the fault table, and its event log's newest id. */
export type FaultyOrg = {
  url: string;
  /** Creates `count` contacts (one change event each) and answers the replay id of each event, in order. */
  commit(count: number): Promise<number[]>;
  /** Arms a fault in the org's fault table over the admin API. */
  arm(fault: EventsFault): Promise<void>;
  /** Disarms every fault (the end of a schedule: what was committed stays replayable). */
  clearFaults(): Promise<void>;
  /** Disarms every fault, forgets every Streaming client and the retained events (a clean start for the next schedule). */
  reset(): Promise<void>;
  /** The newest replay id the org has published. */
  latestReplayId(): Promise<number>;
};

/** The channel every schedule commits to and subscribes to. */
export const SCHEDULE_CHANNEL = '/data/ContactChangeEvent';

/** Whether an error is the harness's own connection failing (undici's "fetch failed"), not an answer of the org. */
function isTransportFailure(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'fetch failed';
}

/**
 * The harness's calls to the local org's admin API, tried again when the harness's own connection fails before an answer
 * (the soak once lost a schedule to that at load average 13). Admin calls arm faults, read the log and mint sessions;
 * an arming that landed before its answer was lost would only arm the same fault twice, which the schedules tolerate.
 */
async function harnessFetch(input: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(input, init);
    } catch (error) {
      if (!isTransportFailure(error) || attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Drives the org at `url` over HTTP; `username` is the user the commits are made as. */
export function faultyOrg(url: string, username: string): FaultyOrg {
  let token: string | null = null;
  let sequence = 0;
  const admin = async (path: string, method: string, body?: unknown): Promise<unknown> => {
    const response = await harnessFetch(`${url}/__emulator/${path}`, { method, headers: { 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`The local org refused ${method} ${path}: ${response.status} ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
  const login = async (): Promise<string> => ((await admin('sessions', 'POST', { username })) as { access_token: string }).access_token;
  const latestReplayId = async (): Promise<number> => ((await admin('streaming', 'GET')) as { latestReplayId: number }).latestReplayId;
  const createContact = async (lastName: string): Promise<void> => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      token ??= await login();
      const before = await latestReplayId();
      let response: Response;
      try {
        response = await fetch(`${url}/services/data/v66.0/sobjects/Contact`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ LastName: lastName }) });
      } catch (error) {
        // The harness's own socket failed (a keep-alive connection the org had just closed, under load): the log says
        // whether the commit landed, so it is neither lost nor made twice.
        if (!isTransportFailure(error)) throw error;
        if ((await latestReplayId()) > before) return;
        continue;
      }
      await response.text();
      if (response.status === 201) return;
      if (response.status !== 401) throw new Error(`The local org refused a contact: ${response.status}`);
      token = null;
    }
    throw new Error('The local org kept refusing the harness session.');
  };
  return {
    url,
    async commit(count) {
      const ids: number[] = [];
      // One at a time, each followed by the log's newest id: nothing else publishes, so that id is this commit's event.
      for (let i = 0; i < count; i += 1) {
        sequence += 1;
        await createContact(`Schedule ${sequence}`);
        ids.push(await latestReplayId());
      }
      return ids;
    },
    async arm(f) {
      const spec = f.kind === 'expire-sessions' || f.kind.startsWith('streaming-') ? { ...f } : { ...f, path: '/cometd/*' };
      await admin('faults', 'POST', spec);
    },
    async clearFaults() {
      await admin('faults', 'DELETE');
    },
    async reset() {
      await admin('faults', 'DELETE');
      await admin('reset', 'POST', { seed: false });
    },
    latestReplayId,
  };
}
