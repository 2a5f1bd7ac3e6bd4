/**
 * Pre-flight of issue 9 on a generated 1M-row × 10-column Contact upsert file (~150 MB, made in a temp folder): this
 * machine's raw csv-parse rate on the same file (for comparison: OrgDesk reads with its own scanner), then OrgDesk's inspection
 * (`inspectCsvFile`: encoding, shape, count, hash) and pre-flight (`runPreflight`: every row through the validator), with
 * this process's peak RSS. Printed, not asserted.
 *
 *   npx tsx bench/load/preflight.ts [--rows 1000000] [--bad-every 1000]
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { startEmulator } from '../../emulator/index';
import { inspectCsvFile } from '../../core/load/csv-source';
import { suggestMapping } from '../../core/load/field-mapping';
import { toLoadObject } from '../../core/load/load-object';
import { runPreflight } from '../../core/load/preflight';
import { fetchDescribe } from '../../core/test-support/org-describe';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, 'bad-every': { type: 'string', default: '1000' } } });
const ROWS = Number(values.rows);
const BAD_EVERY = Number(values['bad-every']);

const HEADER = 'External_Id__c,First Name,Last Name,Email,Phone,Title,Birthdate,Mailing City,Email Opt Out,Description';
const CITIES = ['Paris', 'Lyon', 'New York, NY', 'Tokyo', 'São Paulo', 'Berlin'];

/** One row of about 150 bytes; every `BAD_EVERY`th row has an impossible date so the issue path is measured too. */
function row(i: number): string {
  const day = BAD_EVERY > 0 && i % BAD_EVERY === 0 ? '13/45/1985' : `${String((i % 12) + 1).padStart(2, '0')}/${String((i % 28) + 1).padStart(2, '0')}/19${50 + (i % 50)}`;
  const city = CITIES[i % CITIES.length] ?? '';
  return `EXT-${i},First${i},Last${i},person${i}@example.com,+1 555 ${String(i % 10_000).padStart(4, '0')},Engineer ${i % 40},${day},${city.includes(',') ? `"${city}"` : city},${i % 2 === 0},Row ${i} of the pre-flight bench with a sentence of text\n`;
}

/** Runs `work` and returns its value with its wall time and this process's CPU time (every thread). */
async function measure<T>(work: () => Promise<T>): Promise<{ value: T; wallSeconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, wallSeconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

function rate(count: number, seconds: number, unit: string): string {
  return `${Math.round(count / seconds).toLocaleString('en-US')} ${unit}/s`;
}

function printSummary(title: string, figures: ReadonlyArray<readonly [string, string]>): void {
  const width = Math.max(...figures.map(([label]) => label.length));
  console.log(`\nsummary: ${title}`);
  for (const [label, value] of figures) console.log(`  ${label.padEnd(width)}  ${value}`);
  console.log(`  (${os.cpus().length} cores, load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')})`);
}

async function writeFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  let piece = '';
  for (let i = 1; i <= ROWS; i += 1) {
    piece += row(i);
    if (piece.length > 1 << 16) {
      if (!out.write(piece)) await once(out, 'drain');
      piece = '';
    }
  }
  out.end(piece);
  await once(out, 'finish');
}

/** csv-parse alone, streaming the same file with the same chunk size: records counted, nothing else done. */
async function rawCsvParse(path: string): Promise<number> {
  let records = 0;
  const parser = createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(parse({ delimiter: ',', relax_column_count: true }));
  parser.on('data', () => {
    records += 1;
  });
  await once(parser, 'end');
  return records - 1;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-bench-preflight-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  try {
    const emulator = await startEmulator({ port: 0, seed: false });
    const contact = toLoadObject(await fetchDescribe(emulator.url, 'Contact'));
    await emulator.stop();

    const path = join(dir, 'contacts.csv');
    const made = await measure(() => writeFile(path));
    const mb = statSync(path).size / 1024 / 1024;
    console.log(`file: ${ROWS.toLocaleString('en-US')} rows × 10 columns, ${mb.toFixed(1)} MB, written in ${made.wallSeconds.toFixed(1)} s`);

    const raw = await measure(() => rawCsvParse(path));
    console.log(`raw csv-parse:  ${raw.wallSeconds.toFixed(2)} s (${raw.cpuSeconds.toFixed(2)} CPU-s), ${rate(raw.value, raw.wallSeconds, 'rows')}, ${rate(mb, raw.wallSeconds, 'MB')}`);

    const rssBefore = process.memoryUsage().rss;
    peakRss = rssBefore;
    const inspected = await measure(() => inspectCsvFile(path));
    const shape = inspected.value;
    console.log(`inspectCsvFile: ${inspected.wallSeconds.toFixed(2)} s (${inspected.cpuSeconds.toFixed(2)} CPU-s), ${rate(shape.rowCount, inspected.wallSeconds, 'rows')} (delimiter ${JSON.stringify(shape.delimiter)}, ${shape.lineEnding})`);


    const { mappings } = suggestMapping(shape.headers, contact, 'upsert');
    const checked = await measure(() =>
      runPreflight({
        path,
        shape,
        object: contact,
        plan: { objectName: 'Contact', operation: 'upsert', externalIdField: 'External_Id__c', mappings, dates: { dateOrder: 'mdy', timeZone: 'America/New_York' } },
      }),
    );
    const report = checked.value;
    console.log(
      `runPreflight:   ${checked.wallSeconds.toFixed(2)} s (${checked.cpuSeconds.toFixed(2)} CPU-s), ${rate(report.rowsChecked, checked.wallSeconds, 'rows')}; ${report.invalidRows.toLocaleString('en-US')} invalid rows in ${report.groups.length} group(s), ${mappings.length} mapped columns`,
    );
    printSummary(`pre-flight of a ${ROWS.toLocaleString('en-US')}-row CSV`, [
      ['raw csv-parse (for comparison)', rate(raw.value, raw.wallSeconds, 'rows')],
      ['inspectCsvFile', rate(shape.rowCount, inspected.wallSeconds, 'rows')],
      ['runPreflight (target ≥ 150k rows/s)', rate(report.rowsChecked, checked.wallSeconds, 'rows')],
      // Per CPU-second of this process: what the figures would be on an idle core, when the shared box is busy.
      ['raw csv-parse per CPU-second', rate(raw.value, raw.cpuSeconds, 'rows')],
      ['inspectCsvFile per CPU-second', rate(shape.rowCount, inspected.cpuSeconds, 'rows')],
      ['runPreflight per CPU-second', rate(report.rowsChecked, checked.cpuSeconds, 'rows')],
      ['preflight / raw csv-parse', (raw.wallSeconds / checked.wallSeconds).toFixed(2)],
      ['peak RSS while reading (MB)', `${(peakRss / 1024 / 1024).toFixed(0)} (before: ${(rssBefore / 1024 / 1024).toFixed(0)})`],
    ]);
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
