import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { createSystemClock } from '../salesforce';
import { createEmulatorConnections } from '../test-support/emulator-connections';
import { createQueryService, type QueryService } from './query-service';

const ADMIN = 'admin@orgdesk.example';
const API = '/services/data/v62.0';

let emulator: RunningEmulator;
let dir: string;
const services: QueryService[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-run-export-'));
});
afterAll(async () => {
  for (const service of services) await service.dispose();
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The query service over the local org, exporting each file under a name of its own in a temporary folder. */
function exportingService(): QueryService {
  let exports = 0;
  const service = createQueryService({
    connections: createEmulatorConnections({ url: emulator.url, username: ADMIN }),
    emit: () => undefined,
    clock: createSystemClock(),
    resultsDir: join(dir, 'results'),
    picker: {
      pickSavePath: ({ suggestedName }) => {
        exports += 1;
        return Promise.resolve(join(dir, `${exports}-${suggestedName}`));
      },
    },
  });
  services.push(service);
  return service;
}

describe('exporting a query run, with and without spreadsheet safety', () => {
  it('exports exact values by default, and with formulaSafe a quote before each cell that would run as a formula in Excel', async () => {
    const { connection } = createEmulatorConnections({ url: emulator.url, username: ADMIN });
    for (const [name, revenue] of [['=HYPERLINK("http://evil.example","Click")', -5], ['@SUM(1,1)', 10], ['Plain', -2]] as const) {
      await connection.client.json('POST', `${API}/sobjects/Account`, { json: { Name: name, AnnualRevenue: revenue, AccountNumber: 'formula-test' } });
    }
    const service = exportingService();
    const { runId } = service.run({ orgId: 'org', soql: "SELECT Name, AnnualRevenue FROM Account WHERE AccountNumber = 'formula-test' ORDER BY AnnualRevenue", includeDeleted: false, mode: 'rest' });
    await service.settled(runId);

    const exact = await service.exportRun(runId, 'csv');
    expect(exact.protectedCells).toBe(0);
    expect(parse(readFileSync(exact.files[0] ?? '', 'utf8'))).toEqual([['Name', 'AnnualRevenue'], ['=HYPERLINK("http://evil.example","Click")', '-5'], ['Plain', '-2'], ['@SUM(1,1)', '10']]);

    const safe = await service.exportRun(runId, 'csv', { formulaSafe: true });
    expect(safe.protectedCells).toBe(2);
    const text = readFileSync(safe.files[0] ?? '', 'utf8');
    expect(text).toBe('Name,AnnualRevenue\r\n"\'=HYPERLINK(""http://evil.example"",""Click"")",-5\r\nPlain,-2\r\n"\'@SUM(1,1)",10\r\n');
    const json = await service.exportRun(runId, 'json', { formulaSafe: true });
    expect(JSON.parse(readFileSync(json.files[0] ?? '', 'utf8'))).toContainEqual({ Name: '@SUM(1,1)', AnnualRevenue: 10 });
  });

});
