/**
 * Benchmark: how fast the emulator serves 100k Contacts through REST query paging (`/query` then `nextRecordsUrl`),
 * read by a plain fetch loop and by jsforce's autoFetch (the reference client). Printed, not asserted.
 * Run: `npx tsx bench/emulator/rest-paging.ts [count]`.
 */
import jsforce from 'jsforce';
import { startEmulator } from '../../emulator/index';
import { printSummary } from './lib/summary';

const COUNT = Number(process.argv[2] ?? 100_000);
const SOQL = 'SELECT Id, FirstName, LastName, Email, Phone, Account.Name FROM Contact';

async function main(): Promise<void> {
  const emulator = await startEmulator({ seedSize: { accounts: 300, contacts: 0, opportunities: 0, cases: 0, leads: 0, invoices: 0 } });
  try {
    const generateStart = performance.now();
    emulator.admin.generateContacts(COUNT);
    const generateMs = performance.now() - generateStart;
    const { access_token: token } = emulator.admin.createSession('admin@orgdesk.example');
    const headers = { Authorization: `Bearer ${token}` };

    const run = async (): Promise<{ records: number; pages: number; ms: number }> => {
      const start = performance.now();
      let records = 0;
      let pages = 0;
      let next: string | undefined = `/services/data/v60.0/query?q=${encodeURIComponent(SOQL)}`;
      while (next !== undefined) {
        const response = await fetch(`${emulator.url}${next}`, { headers });
        if (response.status !== 200) throw new Error(`Page ${pages + 1} answered ${response.status}: ${await response.text()}`);
        const page = (await response.json()) as { records: unknown[]; nextRecordsUrl?: string; done: boolean };
        records += page.records.length;
        pages += 1;
        next = page.done ? undefined : page.nextRecordsUrl;
      }
      return { records, pages, ms: performance.now() - start };
    };

    await run(); // warm-up: JIT and the first materialisation
    const plain = await run();
    const conn = new jsforce.Connection({ instanceUrl: emulator.url, accessToken: token, version: '60.0' });
    const jsStart = performance.now();
    const jsResult = await conn.query(SOQL).run({ autoFetch: true, maxFetch: COUNT + 10 });
    const jsMs = performance.now() - jsStart;
    const jsRecords = (jsResult as { records: unknown[] }).records.length;

    const rate = (n: number, ms: number): string => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} records/s`;
    process.stdout.write(
      [
        `Generated ${COUNT.toLocaleString('en-US')} Contacts in ${generateMs.toFixed(0)} ms`,
        `fetch loop:        ${plain.records.toLocaleString('en-US')} records in ${plain.pages} pages, ${plain.ms.toFixed(0)} ms → ${rate(plain.records, plain.ms)}`,
        `jsforce autoFetch: ${jsRecords.toLocaleString('en-US')} records in ${jsMs.toFixed(0)} ms → ${rate(jsRecords, jsMs)}`,
        `ratio fetch/jsforce: ${(jsMs / plain.ms).toFixed(2)}x`,
        '',
      ].join('\n'),
    );
    printSummary(`REST query paging, ${COUNT.toLocaleString('en-US')} Contacts (${plain.pages} pages)`, [
      ['fetch loop', `${rate(plain.records, plain.ms)} (${plain.ms.toFixed(0)} ms)`],
      ['jsforce autoFetch', `${rate(jsRecords, jsMs)} (${jsMs.toFixed(0)} ms)`],
      [`generate ${COUNT.toLocaleString('en-US')} Contacts`, `${generateMs.toFixed(0)} ms`],
    ]);
  } finally {
    await emulator.stop();
  }
}

await main();
