import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { appendFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { UndoStepOutcome } from '../../shared/ipc/domains/load';
import { scanCsvChunks } from '../csv/csv-stream';
import { UNDELETE_CHUNK, undeleteRecords, type SalesforceClient, type UndeleteResult } from '../salesforce';
import { csvLine } from './csv-line';
import { createFileSink } from './file-sink';
import type { RecordsByKey } from './records-by-key';

/** What the undelete step needs: the org, the step file (`Id` column) and its folder. */
export type UndeleteStepInput = { client: SalesforceClient; apiVersion: string; reader: RecordsByKey; path: string; folder: string; signal: AbortSignal };

async function readIds(path: string): Promise<string[]> {
  const ids: string[] = [];
  let header = true;
  await scanCsvChunks(
    createReadStream(path),
    (record) => {
      if (header) header = false;
      else ids.push(record[0] ?? '');
      return undefined;
    },
    { maxRecordChars: 1024 },
  );
  return ids;
}

/** Appends a line and flushes it to the disk before going on. */
async function appendSynced(path: string, line: string): Promise<void> {
  await appendFile(path, line);
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Brings deleted records back with SOAP `undelete()`, 200 ids a call. Each chunk's results are journaled (one fsync'd line
 * in `undelete.progress.ndjson`) before the next, so a run stopped part-way continues after the last journaled chunk. A
 * record the call says is not in the recycle bin but is live in the org was brought back already (a chunk sent just before
 * a crash): it counts as undeleted. The result files say, per input row, which came back and why the others did not.
 */
export async function runUndeleteStep(input: UndeleteStepInput): Promise<UndoStepOutcome> {
  const ids = await readIds(input.path);
  const progressPath = join(input.folder, 'undelete.progress.ndjson');
  const done: UndeleteResult[][] = existsSync(progressPath)
    ? readFileSync(progressPath, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as UndeleteResult[])
    : [];
  for (let at = done.length * UNDELETE_CHUNK; at < ids.length; at += UNDELETE_CHUNK) {
    const chunk = ids.slice(at, at + UNDELETE_CHUNK);
    const results = await undeleteRecords(input.client, input.apiVersion, chunk, input.signal);
    const notInBin = results.filter((result) => result.error?.statusCode === 'UNDELETE_FAILED').map((result) => result.id);
    const live = new Set<string>();
    if (notInBin.length > 0) {
      await input.reader.read({ fields: [], keyField: 'Id', bulk: false, signal: input.signal }, notInBin, (records) => {
        for (const record of records) live.add(record.Id ?? '');
      });
    }
    const settled = results.map((result) => (live.has(result.id) ? { id: result.id, error: null } : result));
    await appendSynced(progressPath, `${JSON.stringify(settled)}\n`);
    done.push(settled);
  }
  const files = { success: join(input.folder, 'undelete.success.csv'), failure: join(input.folder, 'undelete.failure.csv') };
  const success = createFileSink(files.success);
  const failure = createFileSink(files.failure);
  await success.write(csvLine(['row', 'sf__Id', 'Id']));
  await failure.write(csvLine(['row', 'sf__Error', 'Id']));
  let ok = 0;
  let failed = 0;
  let row = 0;
  for (const result of done.flat()) {
    row += 1;
    const id = ids[row - 1] ?? result.id;
    if (result.error === null) {
      ok += 1;
      await success.write(csvLine([String(row), result.id, id]));
    } else {
      failed += 1;
      await failure.write(csvLine([String(row), `${result.error.statusCode}:${result.error.message}`, id]));
    }
  }
  await Promise.all([success.close({ sync: true }), failure.close({ sync: true })]);
  return { kind: 'undelete', loadId: null, state: failed > 0 ? 'failed' : 'done', counts: { input: ids.length, success: ok, failed, unprocessed: 0 }, files };
}
