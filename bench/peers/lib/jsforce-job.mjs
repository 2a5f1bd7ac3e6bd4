// The jsforce 3 peer of bench/peers/jobs.ts: one Bulk API 2.0 job the way a script author writes it with jsforce's
// `bulk2` client, as plain JavaScript (no tsx, so its start-up and memory are jsforce's own). Run as
// `node jsforce-job.mjs <export|insert|upsert|delete> <instance url> <file> [soql]` with the access token in
// $JSFORCE_ACCESS_TOKEN; prints one JSON line with the rows it handled. Polls every 500 ms, as OrgDesk's bench runs do.
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import process from 'node:process';
import jsforce from 'jsforce';

const [job, instanceUrl, file, soql] = process.argv.slice(2);
const conn = new jsforce.Connection({ instanceUrl, accessToken: process.env.JSFORCE_ACCESS_TOKEN, version: '62.0' });
const polling = { pollInterval: 500, pollTimeout: 3_600_000 };

if (job === 'export') {
  // The record stream turned back into CSV (jsforce parses the result pages into records first).
  const records = await conn.bulk2.query(soql, polling);
  let rows = 0;
  records.on('record', () => (rows += 1));
  await pipeline(records.stream('csv'), createWriteStream(file));
  process.stdout.write(`${JSON.stringify({ rows })}\n`);
} else {
  const operation = job === 'upsert' ? 'upsert' : job === 'delete' ? 'delete' : 'insert';
  const results = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation,
    ...(operation === 'upsert' ? { externalIdFieldName: 'External_Id__c' } : {}),
    input: createReadStream(file),
    ...polling,
  });
  process.stdout.write(`${JSON.stringify({ rows: results.successfulResults.length, failed: results.failedResults.length + results.unprocessedRecords.length })}\n`);
}
