/**
 * How the emulator benches report: each ends with a `summary` block of its headline figures, with the machine's load
 * beside them (the box is shared, so wall times move with other work; CPU-seconds say what the emulator itself costs).
 */
import os from 'node:os';

/** Wall and CPU time of one piece of work (CPU: this process, every thread, so GC helpers count). */
export type Timing = { wallSeconds: number; cpuSeconds: number };

/** Runs `work` and returns its value with the wall and CPU time it took. */
export async function measure<T>(work: () => T | Promise<T>): Promise<Timing & { value: T }> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const value = await work();
  const wallSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { value, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** `count` per second as `12,345 <unit>/s`. */
export function rate(count: number, seconds: number, unit: string): string {
  return `${Math.round(count / seconds).toLocaleString('en-US')} ${unit}/s`;
}

/** Prints the closing `summary` block: one aligned line per figure, then cores and load average. */
export function printSummary(title: string, figures: readonly (readonly [label: string, value: string])[]): void {
  const width = Math.max(...figures.map(([label]) => label.length));
  const load = os.loadavg().map((n) => n.toFixed(1)).join(' ');
  console.log(`\nsummary: ${title}`);
  for (const [label, value] of figures) console.log(`  ${label.padEnd(width)}  ${value}`);
  console.log(`  (${os.cpus().length} cores, load average ${load})`);
}
