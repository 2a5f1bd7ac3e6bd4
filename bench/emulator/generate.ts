/**
 * Benchmark: how fast the emulator's generator adds Contacts (the issue asks for 1M well under a minute) and the heap it
 * takes. Printed, not asserted. Run: `npx tsx bench/emulator/generate.ts [count]`.
 */
import { startEmulator } from '../../emulator/index';
import { measure, printSummary, rate } from './lib/summary';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const emulator = await startEmulator({ seedSize: { accounts: 300, contacts: 0, opportunities: 0, cases: 0, leads: 0, invoices: 0 } });
try {
  const heapBefore = process.memoryUsage().heapUsed;
  const run = await measure(() => emulator.admin.generateContacts(COUNT));
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const n = COUNT.toLocaleString('en-US');
  process.stdout.write(`Generated ${n} Contacts in ${run.wallSeconds.toFixed(1)} s (${rate(COUNT, run.wallSeconds, 'rows')}), heap +${heapMb.toFixed(0)} MB\n`);
  printSummary(`generator, ${n} Contacts`, [
    ['generate (wall)', `${run.wallSeconds.toFixed(2)} s → ${rate(COUNT, run.wallSeconds, 'rows')}`],
    ['generate (CPU)', `${run.cpuSeconds.toFixed(2)} CPU-s`],
    ['heap held', `+${heapMb.toFixed(0)} MB`],
  ]);
} finally {
  await emulator.stop();
}
