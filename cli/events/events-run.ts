/** What `orgdesk events` does once its arguments are parsed (loaded on first use, with the events engine). */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { homedir } from 'node:os';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { eventsSchemas, type EventBatch, type EventRow, type EventSubscription, type ReplayFrom } from '../../shared/ipc/domains/events';
import { assertNever } from '../../shared/ipc/result';
import { ServiceError } from '../../core/errors';
import { resolveUserPath } from '../../core/orgs/user-path';
import type { CliEvents } from '../cli-services';
import type { CliShell } from '../cli-shell';
import type { EventsOptions } from './events-options';
import { explainForProfile } from '../demo-org-hint';
import { EXIT } from '../exit-codes';
import { createEventLineWriter } from './event-lines';
import { resumePointOfOutFile } from './out-file-resume';

/** Subscribes until Ctrl+C (or a failure), writing each event as it arrives; the checkpoint is kept for the next run. */
export async function listen(shell: CliShell, channel: string, options: EventsOptions): Promise<void> {
  if (!eventsSchemas['events:subscribe'].shape.channel.safeParse(channel).success) {
    throw new ServiceError('VALIDATION', `${channel} is not a channel name.`, 'A channel starts with / and holds letters, digits, _ and /, such as /data/ContactChangeEvent.');
  }
  const services = await shell.services();
  const profile = shell.chooseOrg(services.orgs);
  await services.orgs.connection(profile.id, shell.signal).catch((error: unknown) => {
    throw explainForProfile(profile, error);
  });
  const output = await openOutput(shell, options.out);
  const events = await services.events();
  const replay = options.replay ?? { kind: 'checkpoint' };
  resumeWhereTheOutputEnds(shell, events, profile.id, channel, replay, output);
  // --quiet drops the start lines; reconnects, gaps, errors and the closing line are always told.
  const progress = (line: string): void => {
    if (shell.globals().quiet !== true) shell.note(line);
  };
  const writer = eventWriter(shell, events, output);
  const stopBatches = events.onBatch((batch) => writer.write(batch));
  // Set by a status that says the subscription failed while it ran (re-login refused, the org denied it).
  const ended: { failure: ServiceError | null } = { failure: null };
  let stop: (() => void) | null = null;
  let discontinuityTold = false;
  const stopStatuses = events.onStatus((status) => {
    if (status.channel !== channel || status.orgId !== profile.id) return;
    const line = statusLine(status);
    if (line !== null) shell.note(line);
    if (status.discontinuity !== undefined && !discontinuityTold) {
      discontinuityTold = true;
      shell.note(`Replay id discontinuity on ${channel}: ${status.discontinuity.reason}`);
    }
    if (status.state === 'failed') {
      ended.failure = failureError(status);
      stop?.();
    }
  });
  let subscription: EventSubscription | null = null;
  try {
    progress(startLine(profile.label, channel, replay, events.capture.checkpoint(profile.id, channel, 'cli')));
    subscription = await events.service.subscribe(profile.id, channel, replay, options.api ?? 'pubsub');
    if (subscription.state === 'failed') throw failureError(subscription);
    progress(`Subscribed to ${channel} on ${profile.label}; Ctrl+C stops.`);
    shell.json.set({ state: 'running' });
    await new Promise<void>((resolve) => {
      stop = resolve;
      if (shell.signal.aborted) resolve();
      shell.signal.addEventListener('abort', () => resolve(), { once: true });
      writer.onError(() => resolve());
    });
  } finally {
    if (subscription !== null) await events.service.unsubscribe(subscription.subscriptionId);
    stopStatuses();
    stopBatches();
    await writer.settled();
    await output.close();
    shell.json.set({ channel, count: writer.count(), lastReplayId: events.capture.checkpoint(profile.id, channel, 'cli'), ...(options.out === undefined ? {} : { out: output.name }) });
  }
  writer.throwIfFailed();
  if (ended.failure !== null) throw ended.failure;
  const last = events.capture.checkpoint(profile.id, channel, 'cli');
  shell.json.set({ state: 'stopped' });
  shell.note(
    `${writer.count()} ${writer.count() === 1 ? 'event' : 'events'} from ${channel}${options.out === undefined ? '' : ` written to ${output.name}`}` +
      (last === null ? '.' : `; the next run resumes after replay id ${last}.`),
  );
  // Ctrl+C is how a listener ends: after a clean unsubscribe that is success, as for `orgdesk emulator`.
  shell.setExitCode(EXIT.ok);
}

function startLine(label: string, channel: string, replay: ReplayFrom, checkpoint: number | null): string {
  switch (replay.kind) {
    case 'new':
      return `Listening to ${channel} on ${label} for new events (replay -1)…`;
    case 'retained':
      return `Listening to ${channel} on ${label} from every retained event (replay -2)…`;
    case 'id':
      return `Listening to ${channel} on ${label} after replay id ${replay.replayId}…`;
    case 'checkpoint':
      return checkpoint === null
        ? `Listening to ${channel} on ${label} for new events (no stored replay id yet, replay -1)…`
        : `Listening to ${channel} on ${label}, resuming after stored replay id ${checkpoint}…`;
    default:
      return assertNever(replay);
  }
}

/** The line for a change of state worth telling (reconnecting, live again, failed), or null. */
function statusLine(status: EventSubscription): string | null {
  switch (status.state) {
    case 'reconnecting':
      return `Reconnecting to ${status.channel} (reconnect ${status.reconnects + 1}${status.nextRetryAt === null ? '' : `, next try at ${status.nextRetryAt}`}); events resume after replay id ${status.lastReplayId ?? 'none yet'}.`;
    case 'live':
      return status.reconnects > 0 ? `Subscribed again to ${status.channel} after ${status.reconnects} ${status.reconnects === 1 ? 'reconnect' : 'reconnects'}.` : null;
    case 'failed':
    case 'connecting':
    case 'stopped':
      return null;
    default:
      return assertNever(status.state);
  }
}

/** The engine's failure as an error, its hints in the CLI's terms (an invalid replay id points at --replay -1 / -2). */
function failureError(status: EventSubscription): ServiceError {
  const failure = status.failure;
  if (failure === undefined) return new ServiceError('INTERNAL', `The subscription to ${status.channel} failed.`, 'Run the command again.');
  if (failure.reason === 'invalid-replay') {
    return new ServiceError(failure.code, failure.message, `${failure.hint ?? ''} Run again with --replay -1 (new events only) or --replay -2 (everything the org still keeps).`.trim());
  }
  if (failure.reason === 'no-channel') {
    return new ServiceError(
      failure.code,
      failure.message,
      'Check its spelling (channels are case-sensitive: /data/ContactChangeEvent, /data/ChangeEvents, /event/Order_Event__e) and that Change Data Capture is enabled for the object.',
    );
  }
  return new ServiceError(failure.code, failure.message, failure.hint);
}

/**
 * Sets this command's checkpoint to where this run must start: the id given with --replay, or else past the last line the
 * --out file holds for the channel when that is further (a kill can land after a line is written and before the checkpoint
 * moved: the line is not written twice). A line left half-written by a kill is cut off first.
 */
function resumeWhereTheOutputEnds(shell: CliShell, events: CliEvents, orgId: string, channel: string, replay: ReplayFrom, output: Output): void {
  if (replay.kind === 'id') {
    events.capture.setCheckpoint('cli', orgId, channel, replay.replayId);
    return;
  }
  if (replay.kind !== 'checkpoint' || output.path === null) return;
  const { replayId, repaired } = resumePointOfOutFile(output.path, channel);
  if (repaired) shell.note(`The last line of ${output.path} was cut short (an earlier run was stopped while writing it); it was removed and is written again.`);
  const checkpoint = events.capture.checkpoint(orgId, channel, 'cli');
  if (replayId !== null && (checkpoint === null || replayId > checkpoint)) events.capture.setCheckpoint('cli', orgId, channel, replayId);
}

type Output = { name: string; path: string | null; stream: NodeJS.WritableStream; close(): Promise<void> };

/** The NDJSON lines the writer produces, each appended to the document's `events` array (the same JSON, one item per line). */
function documentEvents(shell: CliShell): Writable {
  const append = shell.json.openArray('events');
  let partial = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      let roomLeft = true;
      for (const line of lines) if (line.trim() !== '') roomLeft = append(line);
      if (roomLeft) callback();
      else shell.io.stdout.once('drain', () => callback());
    },
  });
}

/** stdout (never ended by the command), or the file opened for appending (an unwritable path is a FILE error before subscribing). */
async function openOutput(shell: CliShell, out: string | undefined): Promise<Output> {
  if (out === undefined && shell.json.enabled) return { name: 'the JSON document', path: null, stream: documentEvents(shell), close: async () => undefined };
  if (out === undefined) return { name: 'stdout', path: null, stream: shell.io.stdout, close: async () => undefined };
  const path = resolveUserPath(out, homedir(), shell.io.cwd);
  const stream = createWriteStream(path, { flags: 'a' });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new ServiceError('FILE', `OrgDesk could not open ${path} for the events.`, 'Check that the folder exists and is writable (--out).', { cause: error });
  }
  return {
    name: path,
    path,
    stream,
    async close() {
      stream.end();
      await finished(stream).catch(() => undefined);
    },
  };
}

type EventWriter = {
  write(batch: EventBatch): void;
  count(): number;
  /** Resolves once every event handed over is written, or the output failed. */
  settled(): Promise<void>;
  onError(listener: () => void): void;
  throwIfFailed(): void;
};

/** Writes each batch as NDJSON lines (see cli/events/event-lines.ts) and notes gaps, overflows and discontinuities on stderr. */
function eventWriter(shell: CliShell, events: CliEvents, output: Output): EventWriter {
  const lines = createEventLineWriter({
    capture: events.capture,
    output: output.stream,
    onWritten: (rows) => {
      const last = new Map<string, EventRow>();
      for (const row of rows) last.set(`${row.orgId}\n${row.channel}`, row);
      for (const row of last.values()) events.capture.advance('cli', row.orgId, row.channel, row.replayId);
    },
    onMissing: (row) => shell.note(`Event at replay id ${row.replayId} left the capture (its size limit) before it could be written: a gap in the output. Raise the capture limit in the app, or replay it with --replay.`),
  });
  let error: unknown = null;
  const errorListeners: Array<() => void> = [];
  output.stream.on('error', (e: unknown) => {
    error ??= e;
    for (const listener of errorListeners) listener();
  });
  return {
    write(batch) {
      if (error !== null) return;
      lines.write(batch.rows);
      for (const row of batch.rows) {
        const note = noteOf(row);
        if (note !== null) shell.note(note);
      }
    },
    count: () => lines.count(),
    settled: () => (error !== null ? Promise.resolve() : Promise.race([lines.settled(), new Promise<void>((resolve) => errorListeners.push(resolve))])),
    onError(listener) {
      errorListeners.push(listener);
    },
    throwIfFailed() {
      if (error === null) return;
      const code = (error as { code?: unknown }).code;
      throw new ServiceError('FILE', `OrgDesk could not write the events to ${output.name}${typeof code === 'string' ? ` (${code})` : ''}.`, 'Check that the disk has free space and the file is writable; the next run resumes after the last event written.', { cause: error });
    },
  };
}

function noteOf(row: EventRow): string | null {
  const parts: string[] = [];
  if (row.kind === 'gap' || row.kind === 'overflow') parts.push(`${row.changeType ?? row.kind.toUpperCase()} at replay id ${row.replayId} (${row.recordIds.join(', ') || 'no record ids'}): ${row.note ?? ''}`.trim());
  if (row.discontinuity !== null) parts.push(`Replay id discontinuity before ${row.replayId} (last ${row.discontinuity.lastReplayId ?? 'none'}): ${row.discontinuity.reason}`);
  return parts.length === 0 ? null : parts.join('\n');
}
