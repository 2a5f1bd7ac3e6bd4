/**
 * Benchmark: how fast the emulator's generator adds Contacts (the issue asks for 1M well under a minute) and the heap it
 * takes. Printed, not asserted. Run: `npx tsx bench/emulator/generate.ts [count]`.
 */
import { startEmulator } from '../../emulator/index';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const emulator = await startEmulator({ seedSize: { accounts: 300, contacts: 0, opportunities: 0, cases: 0, leads: 0, invoices: 0 } });
try {
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  emulator.admin.generateContacts(COUNT);
  const ms = performance.now() - start;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  process.stdout.write(`Generated ${COUNT.toLocaleString('en-US')} Contacts in ${(ms / 1000).toFixed(1)} s (${Math.round(COUNT / (ms / 1000)).toLocaleString('en-US')} rows/s), heap +${heapMb.toFixed(0)} MB\n`);
} finally {
  await emulator.stop();
}
