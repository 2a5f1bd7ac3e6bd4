/** What `orgdesk query` does once its arguments are parsed (loaded on first use, with the query engine). */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import type { QueryRunState } from '../../shared/ipc/domains/query';
import { ServiceError } from '../../core/errors';
import { resolveUserPath } from '../../core/orgs/user-path';
import type { CliShell } from '../cli-shell';
import type { QueryOptions } from './query-options';
import { rememberObjectNames } from '../completion/object-names';
import { explainForProfile } from '../demo-org-hint';
import { busyLine } from '../load/load-progress';
import { createProgress } from '../progress';
import { formatRows, recordsOf } from './row-formats';
import { streamQuery, type QueryChunk, type StreamProgress } from './streamed-query';

/** Runs the query and streams its rows to stdout or `--out`, recording it in the query history. */
export async function runQuery(shell: CliShell, soql: string, options: QueryOptions): Promise<void> {
  if (soql.trim() === '') throw new ServiceError('VALIDATION', 'The query is empty.', 'Pass a SOQL statement in quotes, such as "SELECT Id FROM Account".');
  const services = await shell.services();
  const profile = shell.chooseOrg(services.orgs);
  const connection = await services.orgs.connection(profile.id, shell.signal).catch((error: unknown) => {
    throw explainForProfile(profile, error);
  });
  await rememberObjectNames(services.userDataDir, profile.id, connection.rest, { signal: shell.signal });
  const output = await openOutput(shell, options.out);
  const progress = createProgress({ stream: shell.io.stderr, label: `Querying ${profile.label}`, unit: 'rows', quiet: shell.globals().quiet === true });
  const startedAt = services.clock.now();
  let last: StreamProgress = { source: options.bulk === true ? 'bulk' : 'rest', fetched: 0, totalSize: 0 };
  let state: QueryRunState = 'failed';
  // Waits for a busy org are told as they start, even with --quiet (the query has not stopped).
  const stopBusy = connection.client.onBusyWait((wait) => shell.note(busyLine(wait)));
  try {
    const chunks = streamQuery({
      client: connection.client,
      rest: connection.rest,
      soql,
      includeDeleted: options.all === true,
      mode: options.bulk === true ? 'bulk' : 'auto',
      signal: shell.signal,
      clock: services.clock,
      onProgress: (now) => {
        last = now;
        progress.update(now.fetched, now.totalSize);
      },
    });
    try {
      if (output.records === undefined) await pipeline(chunks, formatRows(options.format, { csvFormulaSafe: options.csvFormulaSafe === true }), output.stream);
      else await pipeline(chunks, recordTexts, output.records);
    } catch (error) {
      if (shell.signal.aborted) throw new ServiceError('CANCELLED', 'The query was cancelled.', undefined, { cause: error });
      if (error instanceof ServiceError) throw error;
      throw new ServiceError('FILE', `OrgDesk could not write the rows to ${output.name}.`, 'Check that the folder exists, is writable and has free space.', { cause: error });
    }
    await output.commit();
    state = 'done';
  } catch (error) {
    state = shell.signal.aborted ? 'cancelled' : 'failed';
    await output.discard();
    throw error;
  } finally {
    stopBusy();
    const durationMs = services.clock.now() - startedAt;
    shell.json.set({ state, rows: last.fetched, totalSize: last.totalSize, source: last.source, durationMs, ...(options.out === undefined ? {} : { out: output.name }) });
    progress.stop(
      state === 'done'
        ? `${last.fetched} ${last.fetched === 1 ? 'row' : 'rows'} from ${profile.label} (${last.source === 'bulk' ? 'Bulk API 2.0' : 'REST'}, ${(durationMs / 1000).toFixed(1)} s)${options.out === undefined ? '' : ` written to ${output.name}`}.`
        : undefined,
    );
    try {
      services.library.addHistory({ orgId: profile.id, soql, rows: last.fetched, durationMs, ranAt: new Date(startedAt).toISOString(), source: last.source, state });
    } catch {
      // The history line is a convenience: a busy or read-only database must not turn a finished query into a failure.
    }
  }
}

/** Where the rows go: a stream of text, or with `--json` and no `--out` the document's `records` (one JSON text per record). */
type Output = { name: string; stream: Writable; records?: Writable; commit(): Promise<void>; discard(): Promise<void> };

/** Each record of the chunks as JSON text, for the document's `records`. */
async function* recordTexts(chunks: AsyncIterable<QueryChunk>): AsyncGenerator<string> {
  for await (const chunk of chunks) for (const record of recordsOf(chunk)) yield JSON.stringify(record);
}

/** A writable of JSON texts that appends each to an array of the document, waiting while stdout is full. */
function documentArray(shell: CliShell, key: string): Writable {
  const append = shell.json.openArray(key);
  const stdout = shell.io.stdout;
  return new Writable({
    objectMode: true,
    write(text: string, _encoding, callback) {
      if (append(text)) callback();
      else stdout.once('drain', () => callback());
    },
  });
}

/**
 * Where the rows go. A file is written as `<file>.part` and renamed once every row is in, so a failed or cancelled query
 * never leaves a file that looks complete; an unwritable path fails before the query starts, as a FILE error naming it.
 */
async function openOutput(shell: CliShell, out: string | undefined): Promise<Output> {
  if (out === undefined && shell.json.enabled) {
    const records = documentArray(shell, 'records');
    return { name: 'the JSON document', stream: records, records, commit: async () => undefined, discard: async () => undefined };
  }
  if (out === undefined) {
    const stdout = shell.io.stdout;
    // A pass-through that never ends stdout itself (the process still writes its closing lines after the rows).
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        if (stdout.write(chunk)) callback();
        else stdout.once('drain', () => callback());
      },
    });
    return { name: 'stdout', stream, commit: async () => undefined, discard: async () => undefined };
  }
  const path = resolveUserPath(out, homedir(), shell.io.cwd);
  const partial = `${path}.part`;
  const stream = createWriteStream(partial);
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new ServiceError('FILE', `OrgDesk could not create ${path}.`, 'Check that the folder exists and is writable (--out).', { cause: error });
  }
  return {
    name: path,
    stream,
    async commit() {
      try {
        await rename(partial, path);
      } catch (error) {
        throw new ServiceError('FILE', `OrgDesk could not move the rows into ${path}.`, 'Check that the folder is writable and the file is not open elsewhere.', { cause: error });
      }
    },
    async discard() {
      stream.destroy();
      await rm(partial, { force: true });
    },
  };
}
