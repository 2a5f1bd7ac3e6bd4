/**
 * Bulk API 2.0 on the emulator: how fast an ingest job of 1M Contacts is processed, and how fast a query job's results
 * are served, through the whole emulator (session, router, limits). Printed, not asserted
 * (run: `npx tsx bench/emulator/bulk-ingest.ts [rows]`; the upload must stay under the 112.5 MiB job limit).
 */
import os from 'node:os';
import { startEmulator } from '../../emulator/index';

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
    t = performance.now();
    const cpuBefore = process.cpuUsage();
    await fetch(`${base}/jobs/ingest/${job.id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ state: 'UploadComplete' }) });
    let polls = 0;
    let info: Record<string, unknown> = {};
    let maxPollMs = 0;
    for (;;) {
      const p = performance.now();
      info = (await (await fetch(`${base}/jobs/ingest/${job.id}`, { headers: auth })).json()) as Record<string, unknown>;
      maxPollMs = Math.max(maxPollMs, performance.now() - p);
      polls += 1;
      if (info.state === 'JobComplete' || info.state === 'Failed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(`ingest: ${String(info.state)}, ${String(info.numberRecordsProcessed)} processed, ${String(info.numberRecordsFailed)} failed in ${seconds.toFixed(2)} s → ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s (${polls} polls, slowest job-info answer ${maxPollMs.toFixed(0)} ms)`);
    // On a busy machine wall time lies; CPU time (this process, both cores) says what the emulator itself costs.
    console.log(`ingest CPU: ${cpuSeconds.toFixed(2)} s → ${Math.round(rows / cpuSeconds).toLocaleString('en-US')} rows per CPU-second; load average ${os.loadavg()[0]?.toFixed(1) ?? '?'}`);

    t = performance.now();
    const ok = await fetch(`${base}/jobs/ingest/${job.id}/successfulResults`, { headers: auth });
    const okBytes = (await ok.arrayBuffer()).byteLength;
    const okSeconds = (performance.now() - t) / 1000;
    console.log(`successfulResults: ${(okBytes / 1024 / 1024).toFixed(1)} MB in ${okSeconds.toFixed(2)} s → ${Math.round(rows / okSeconds).toLocaleString('en-US')} rows/s`);

    t = performance.now();
    const q = (await (await fetch(`${base}/jobs/query`, { method: 'POST', headers: json, body: JSON.stringify({ operation: 'query', query: 'SELECT Id, FirstName, LastName, Email, Account.Name FROM Contact' }) })).json()) as { id: string };
    for (;;) {
      const s = (await (await fetch(`${base}/jobs/query/${q.id}`, { headers: auth })).json()) as Record<string, unknown>;
      if (s.state === 'JobComplete' || s.state === 'Failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(`query job: ran in ${((performance.now() - t) / 1000).toFixed(2)} s`);
    t = performance.now();
    let locator = '';
    let total = 0;
    let bytes = 0;
    let pages = 0;
    do {
      const res = await fetch(`${base}/jobs/query/${q.id}/results${locator === '' ? '' : `?locator=${locator}`}`, { headers: auth });
      bytes += (await res.arrayBuffer()).byteLength;
      total += Number(res.headers.get('sforce-numberofrecords'));
      locator = res.headers.get('sforce-locator') ?? 'null';
      pages += 1;
    } while (locator !== 'null');
    const qSeconds = (performance.now() - t) / 1000;
    console.log(`query results: ${total} rows, ${pages} pages, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${qSeconds.toFixed(2)} s → ${Math.round(total / qSeconds).toLocaleString('en-US')} rows/s`);
  } finally {
    await emulator.stop();
  }
}

await main();
