import type { AppError } from '../shared/ipc/result';
import type { ExitCode } from './exit-codes';

/** The error part of a closing JSON document (never a stack, a key or a token). */
export type JsonError = { code: AppError['code']; message: string; hint?: string };

/**
 * The one JSON document a `--json` run of `load`, `query` or `events` ends with on stdout, whatever happened:
 * `{ state, ...the command's fields, error?, exitCode }` (the README lists the states and exit codes). A command sets its
 * fields as it goes; the shell writes the document once, after the command returned or threw, or commander refused the
 * arguments. A command that prints its own JSON on success (`orgs list --json`) calls `printed()`, and only a failure adds one.
 */
export type JsonDocument = {
  /** Whether this run prints a document (the command was given `--json`). */
  readonly enabled: boolean;
  /** Adds or replaces top-level fields (`state`, `loadId`, `counts`...). */
  set(fields: Record<string, unknown>): void;
  /**
   * Starts a top-level array streamed item by item as the work goes (a query's records, the events), so a large result is
   * never held whole; answers the function that appends one item, given as JSON text. The array is closed when the
   * document is, after the last item that arrived, so it stays valid JSON when the run fails half-way. The function answers
   * false when stdout is full (wait for its `drain`, as with `write`).
   */
  openArray(key: string): (itemJson: string) => boolean;
  /** Says the command printed its own JSON for a success: nothing more is written unless the run failed. */
  printed(): void;
};

/** What the shell knows once the run ended. */
type JsonEnding = { exitCode: ExitCode; error: JsonError | null };

/** The document and the shell's side of it: `finish` writes the rest and is a no-op when disabled or already written. */
export type JsonDocumentWriter = JsonDocument & { finish(ending: JsonEnding): void };

/**
 * The state a document ends with when the command did not set a final one: `refused` when it failed before starting
 * anything (bad usage, no org, the file unreadable), `failed` when it failed while running, `done` on success.
 */
function closingState(state: unknown, ending: JsonEnding): unknown {
  if (ending.error === null) return state ?? 'done';
  if (state === undefined) return 'refused';
  return state === 'running' ? 'failed' : state;
}

/** A document writing to `stdout` (disabled ones write nothing). */
export function createJsonDocument(stdout: NodeJS.WritableStream, enabled: boolean): JsonDocumentWriter {
  const fields: Record<string, unknown> = {};
  let open: { key: string; items: number } | null = null;
  let done = false;
  let ownJson = false;
  return {
    enabled,
    set(more) {
      Object.assign(fields, more);
    },
    openArray(key) {
      if (!enabled) return () => true;
      if (open !== null) throw new Error(`A JSON document streams one array; ${open.key} is open.`);
      const array = { key, items: 0 };
      open = array;
      stdout.write(`{${JSON.stringify(key)}:[`);
      return (itemJson) => {
        if (done) return true;
        array.items += 1;
        return stdout.write(`${array.items === 1 ? '\n' : ',\n'}${itemJson}`);
      };
    },
    printed() {
      ownJson = true;
    },
    finish(ending) {
      if (!enabled || done || (ownJson && ending.error === null)) return;
      done = true;
      const { state, ...rest } = fields;
      const document: Record<string, unknown> = { state: closingState(state, ending), ...rest };
      if (ending.error !== null) document['error'] = ending.error;
      document['exitCode'] = ending.exitCode;
      const text = JSON.stringify(document);
      if (open === null) stdout.write(`${text}\n`);
      else stdout.write(`${open.items === 0 ? '' : '\n'}],${text.slice(1)}\n`);
    },
  };
}
