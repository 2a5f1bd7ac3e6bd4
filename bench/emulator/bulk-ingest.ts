/**
 * Bulk API 2.0 on the emulator: how fast an ingest job of 1M Contacts is processed, and how fast a query job's results
 * are served, through the whole emulator (session, router, limits). Printed, not asserted
 * (run: `npx tsx bench/emulator/bulk-ingest.ts [rows]`; the upload must stay under the 112.5 MiB job limit).
 */
import { startEmulator } from '../../emulator/index';
import { measure, printSummary, rate } from './lib/summary';

const rows = Number(process.argv[2] ?? 1_000_000);

function csv(n: number): string {
  const parts: string[] = ['FirstName,LastName,Email,Title,Birthdate,HasOptedOutOfEmail,Account.External_Id__c\n'];
  for (let i = 0; i < n; i += 1) {
    parts.push(`First${i},"Last, ${i}",person${i}@example.com,Engineer,1990-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 === 0},BENCH-${i % 100}\n`);
  }
  return parts.join('');
}

async function main(): Promise<void> {
  // Made before any connection opens: a multi-second pause on an idle keep-alive socket invites a reset race.
  const body = csv(rows);
  console.log(`CSV: ${rows} rows, ${(Buffer.byteLength(body) / 1024 / 1024).toFixed(1)} MB`);
  const emulator = await startEmulator({ seed: false });
  const token = emulator.admin.createSession('admin@orgdesk.example').access_token;
  const base = `${emulator.url}/services/data/v62.0`;
  const auth = { Authorization: `Bearer ${token}` };
  const json = { ...auth, 'Content-Type': 'application/json' };
  const csvHeaders = { ...auth, 'Content-Type': 'text/csv' };
  const idle = (): Promise<void> => emulator.bulk.idle();
  try {
    const accounts = ['Name,External_Id__c', ...Array.from({ length: 100 }, (_, i) => `Bench ${i},BENCH-${i}`)].join('\n') + '\n';
    const a = (await (await fetch(`${base}/jobs/ingest`, { method: 'POST', headers: json, body: JSON.stringify({ object: 'Account', operation: 'insert' }) })).json()) as { id: string };
    await fetch(`${base}/jobs/ingest/${a.id}/batches`, { method: 'PUT', headers: csvHeaders, body: accounts });
    await fetch(`${base}/jobs/ingest/${a.id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ state: 'UploadComplete' }) });
    await idle();

    const job = (await (await fetch(`${base}/jobs/ingest`, { method: 'POST', headers: json, body: JSON.stringify({ object: 'Contact', operation: 'insert' }) })).json()) as { id: string };
    let t = performance.now();
    const put = await fetch(`${base}/jobs/ingest/${job.id}/batches`, { method: 'PUT', headers: csvHeaders, body });
    console.log(`upload: HTTP ${put.status} in ${(performance.now() - t).toFixed(0)} ms`);
    let polls = 0;
    let maxPollMs = 0;
    const ingest = await measure(async () => {
      await fetch(`${base}/jobs/ingest/${job.id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ state: 'UploadComplete' }) });
      for (;;) {
        const p = performance.now();
        const info = (await (await fetch(`${base}/jobs/ingest/${job.id}`, { headers: auth })).json()) as Record<string, unknown>;
        maxPollMs = Math.max(maxPollMs, performance.now() - p);
        polls += 1;
        if (info.state === 'JobComplete' || info.state === 'Failed') return info;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    const info = ingest.value;
    console.log(`ingest: ${String(info.state)}, ${String(info.numberRecordsProcessed)} processed, ${String(info.numberRecordsFailed)} failed in ${ingest.wallSeconds.toFixed(2)} s → ${rate(rows, ingest.wallSeconds, 'rows')} (${polls} polls, slowest job-info answer ${maxPollMs.toFixed(0)} ms)`);
    // On a busy machine wall time lies; CPU time (this process, every thread) says what the emulator itself costs.
    console.log(`ingest CPU: ${ingest.cpuSeconds.toFixed(2)} s → ${Math.round(rows / ingest.cpuSeconds).toLocaleString('en-US')} rows per CPU-second`);

    const ok = await measure(async () => (await (await fetch(`${base}/jobs/ingest/${job.id}/successfulResults`, { headers: auth })).arrayBuffer()).byteLength);
    console.log(`successfulResults: ${(ok.value / 1024 / 1024).toFixed(1)} MB in ${ok.wallSeconds.toFixed(2)} s → ${rate(rows, ok.wallSeconds, 'rows')}`);

    t = performance.now();
    const q = (await (await fetch(`${base}/jobs/query`, { method: 'POST', headers: json, body: JSON.stringify({ operation: 'query', query: 'SELECT Id, FirstName, LastName, Email, Account.Name FROM Contact' }) })).json()) as { id: string };
    for (;;) {
      const s = (await (await fetch(`${base}/jobs/query/${q.id}`, { headers: auth })).json()) as Record<string, unknown>;
      if (s.state === 'JobComplete' || s.state === 'Failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const queryRunSeconds = (performance.now() - t) / 1000;
    console.log(`query job: ran in ${queryRunSeconds.toFixed(2)} s`);
    let total = 0;
    let bytes = 0;
    let pages = 0;
    const results = await measure(async () => {
      let locator = '';
      do {
        const res = await fetch(`${base}/jobs/query/${q.id}/results${locator === '' ? '' : `?locator=${locator}`}`, { headers: auth });
        bytes += (await res.arrayBuffer()).byteLength;
        total += Number(res.headers.get('sforce-numberofrecords'));
        locator = res.headers.get('sforce-locator') ?? 'null';
        pages += 1;
      } while (locator !== 'null');
    });
    console.log(`query results: ${total} rows, ${pages} pages, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${results.wallSeconds.toFixed(2)} s → ${rate(total, results.wallSeconds, 'rows')}`);

    const n = rows.toLocaleString('en-US');
    printSummary(`Bulk API 2.0, ${n} Contacts`, [
      [`ingest insert, ${n} rows (wall)`, `${rate(rows, ingest.wallSeconds, 'rows')} (${ingest.wallSeconds.toFixed(2)} s)`],
      ['ingest insert (CPU)', `${Math.round(rows / ingest.cpuSeconds).toLocaleString('en-US')} rows per CPU-second (${ingest.cpuSeconds.toFixed(2)} CPU-s)`],
      ['successfulResults served', rate(rows, ok.wallSeconds, 'rows')],
      ['query job run (SOQL + CSV render)', `${queryRunSeconds.toFixed(2)} s`],
      [`query results served, ${pages} pages`, `${rate(total, results.wallSeconds, 'rows')} (${Math.round(total / results.cpuSeconds).toLocaleString('en-US')} rows per CPU-second)`],
    ]);
  } finally {
    await emulator.stop();
  }
}

await main();
