/**
 * The harness's in-process consumer: the events service on its own database, restarted gracefully (dispose, then a new
 * service resuming from the checkpoint), with a capture that can be made to refuse writes as a full disk would.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventRow, ReplayFrom } from '../../shared/ipc/domains/events';
import { createEventCapture } from '../events/event-capture';
import { createEventsService, type EventsService } from '../events/events-service';
import { openDatabase } from '../store/database';
import { createEmulatorEventsConnections } from './emulator-connections';

/** The org id the service files events under. */
const ORG = 'org-schedules';

/** A consumer in this process: what it showed, what it stored, and its checkpoint. */
export type ServiceConsumer = {
  /** Subscribes (again after a restart) from `replay`. */
  subscribe(replay: ReplayFrom): Promise<void>;
  /** Graceful stop and a new service on the same database, resuming from its checkpoint (or `fallback` when there is none). */
  restart(fallback: ReplayFrom): Promise<{ hadCheckpoint: boolean }>;
  /** Every write to the capture fails until `recover()` (a TEMP trigger on the real table). */
  fillDisk(): void;
  recover(): void;
  /** Every row pushed to the viewer, across restarts. */
  readonly shown: EventRow[];
  /** The `lastReplayId` of every discontinuity a subscription status flagged (events after it may be missing). */
  readonly flagged: (number | null)[];
  /** Stored rows by replay id (with their discontinuity). */
  stored(): Map<number, EventRow>;
  checkpoint(): number | null;
  close(): Promise<void>;
};

/** Opens the consumer in `folder` on the org at `url`. */
export function createServiceConsumer(options: { url: string; username: string; folder: string; channel: string }): ServiceConsumer {
  mkdirSync(options.folder, { recursive: true });
  const database = openDatabase({ folder: join(options.folder, 'user-data') });
  const shown: EventRow[] = [];
  const flagged: (number | null)[] = [];
  let state = 'connecting';
  let diskFull = false;
  const open = (): EventsService =>
    createEventsService({
      // The fault schedules arm CometD faults: this harness exercises the CometD path (pubsub-stream.test.ts the other).
      defaultApi: 'cometd',
      connections: createEmulatorEventsConnections({ url: options.url, username: options.username }),
      capture: createEventCapture({ db: database.db }),
      emitBatch: (batch) => shown.push(...batch.rows),
      emitStatus: (status) => {
        state = status.state;
        if (status.discontinuity !== undefined) flagged.push(status.discontinuity.lastReplayId);
      },
      picker: { pickSavePath: () => Promise.resolve(null) },
      stream: { backoffMs: 20, maxBackoffMs: 200 },
      batchMs: 20,
      captureRetryMs: 50,
    });
  let service = open();
  const capture = createEventCapture({ db: database.db });
  const consumer: ServiceConsumer = {
    async subscribe(replay) {
      const subscription = await service.subscribe(ORG, options.channel, replay);
      if (subscription.state === 'failed') throw new Error(`The subscription failed: ${subscription.failure?.message ?? ''}`);
      // New events (-1) are those after the org acknowledged the subscription: until it is live, commits are not its events.
      state = subscription.state;
      const deadline = Date.now() + 30_000;
      while (replay.kind === 'new' && state !== 'live' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    async restart(fallback) {
      await service.dispose();
      service = open();
      const hadCheckpoint = consumer.checkpoint() !== null;
      await consumer.subscribe(hadCheckpoint ? { kind: 'checkpoint' } : fallback);
      return { hadCheckpoint };
    },
    fillDisk() {
      if (diskFull) return;
      diskFull = true;
      database.db.exec(`CREATE TEMP TRIGGER disk_full BEFORE INSERT ON captured_events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
    },
    recover() {
      if (!diskFull) return;
      diskFull = false;
      database.db.exec('DROP TRIGGER temp.disk_full');
    },
    shown,
    flagged,
    stored: () => new Map([...capture.iterate({ orgId: ORG, channels: [options.channel] })].map((e) => [e.row.replayId, e.row])),
    checkpoint: () => capture.checkpoint(ORG, options.channel, 'app'),
    async close() {
      consumer.recover();
      await service.dispose();
      database.close();
    },
  };
  return consumer;
}
