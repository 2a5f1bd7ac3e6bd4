import { Presets, SingleBar } from 'cli-progress';

/** Progress of one long piece of work, told to a person on stderr (never mixed with the data on stdout). */
export interface Progress {
  /** The amount done so far, and the total when known (0 = unknown). */
  update(done: number, total: number): void;
  /** Ends the bar (or the lines) and prints a closing line when given. */
  stop(closing?: string): void;
}

/** Where progress goes and how it is worded: `label` before the numbers, `unit` after them. */
export type ProgressOptions = {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  label: string;
  unit: string;
  /** `--quiet`: only the closing line. */
  quiet?: boolean;
  /** Milliseconds between two plain lines when stderr is not a terminal (default 1000). */
  lineIntervalMs?: number;
  now?: () => number;
};

/**
 * A cli-progress bar on a terminal, plain lines (at most one a second, and the last) when stderr is a file or a pipe, as in
 * a CI log. Load and events report through the same port.
 */
export function createProgress(options: ProgressOptions): Progress {
  const { stream, label, unit } = options;
  if (options.quiet === true) {
    return {
      update: () => undefined,
      stop(closing) {
        if (closing !== undefined) stream.write(`${closing}\n`);
      },
    };
  }
  if (stream.isTTY === true) {
    const bar = new SingleBar(
      { stream, format: `${label} [{bar}] {value}/{total} ${unit} · {duration_formatted}`, hideCursor: true, clearOnComplete: true, fps: 8 },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(Math.max(total, done), done);
          started = true;
        }
        bar.setTotal(Math.max(total, done));
        bar.update(done);
      },
      stop(closing) {
        if (started) bar.stop();
        if (closing !== undefined) stream.write(`${closing}\n`);
      },
    };
  }
  const now = options.now ?? Date.now;
  const interval = options.lineIntervalMs ?? 1000;
  let last = Number.NEGATIVE_INFINITY;
  let pending: string | null = null;
  return {
    update(done, total) {
      pending = total > 0 ? `${label}: ${done} of ${Math.max(total, done)} ${unit}` : `${label}: ${done} ${unit}`;
      if (now() - last < interval) return;
      last = now();
      stream.write(`${pending}\n`);
      pending = null;
    },
    stop(closing) {
      if (pending !== null) stream.write(`${pending}\n`);
      pending = null;
      if (closing !== undefined) stream.write(`${closing}\n`);
    },
  };
}
