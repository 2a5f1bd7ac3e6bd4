/**
 * Adds up every suite's JSON report in .reports/ into one plain line, `N passed, N failed, N skipped`, and exits non-zero when
 * anything failed or an expected suite left no report (it did not run).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The suites `npm test` runs, each with its report file and format. */
export const SUITES = [
  { name: 'unit', file: 'unit.json', format: 'vitest' },
  { name: 'package', file: 'package.json', format: 'vitest' },
  { name: 'keychain', file: 'keychain.json', format: 'vitest' },
  { name: 'e2e', file: 'e2e.json', format: 'playwright' },
] as const;

/** Totals of one or more suites. */
export type Tally = { passed: number; failed: number; skipped: number };

type VitestReport = { numPassedTests?: number; numFailedTests?: number; numPendingTests?: number; numTodoTests?: number; success?: boolean };
type PlaywrightReport = { stats?: { expected?: number; unexpected?: number; skipped?: number; flaky?: number }; errors?: unknown[] };

/** Counts a vitest JSON report; a failed run with no failed test (a suite that crashed on import) counts as one failure. */
export function tallyVitest(report: VitestReport): Tally {
  const failed = report.numFailedTests ?? 0;
  return {
    passed: report.numPassedTests ?? 0,
    failed: failed === 0 && report.success === false ? 1 : failed,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

/** Counts a Playwright JSON report (flaky tests passed on retry and count as passed); global errors count as failures. */
export function tallyPlaywright(report: PlaywrightReport): Tally {
  const stats = report.stats ?? {};
  const unexpected = stats.unexpected ?? 0;
  const globalErrors = report.errors?.length ?? 0;
  return {
    passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
    failed: unexpected + (unexpected === 0 ? globalErrors : 0),
    skipped: stats.skipped ?? 0,
  };
}

/** Reads every suite report from a folder: the sum, and the suites that left no readable report. */
export function summarize(dir: string): { total: Tally; missing: string[] } {
  const total: Tally = { passed: 0, failed: 0, skipped: 0 };
  const missing: string[] = [];
  for (const suite of SUITES) {
    const path = `${dir}/${suite.file}`;
    if (!existsSync(path)) {
      missing.push(suite.name);
      continue;
    }
    let report: unknown;
    try {
      report = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      missing.push(suite.name);
      continue;
    }
    const tally = suite.format === 'vitest' ? tallyVitest(report as VitestReport) : tallyPlaywright(report as PlaywrightReport);
    total.passed += tally.passed;
    total.failed += tally.failed;
    total.skipped += tally.skipped;
  }
  return { total, missing };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { total, missing } = summarize(process.argv[2] ?? '.reports');
  if (missing.length > 0) console.error(`These suites did not run or left no report: ${missing.join(', ')}.`);
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(total.failed > 0 || missing.length > 0 ? 1 : 0);
}
