import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../shared/ipc/domains/events';
import type { CapturedEvent } from './event-capture';
import { EXPORT_CSV_COLUMNS, exportEvents } from './event-export';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-event-export-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A platform event whose text cells would run as formulas in Excel (a publisher chose them), with a negative replay id. */
function formulaEvent(): CapturedEvent {
  const row: EventRow = {
    seq: 7,
    orgId: 'org',
    channel: '/event/Order_Event__e',
    replayId: -1,
    receivedAt: '2026-12-07T10:00:00.000Z',
    eventTime: null,
    kind: 'platform',
    entity: 'Order_Event__e',
    changeType: null,
    recordIds: ['=HYPERLINK("http://evil.example")'],
    changedFields: [],
    nulledFields: [],
    diffFields: [],
    commitUser: '@admin',
    changeOrigin: '-cmd',
    transactionKey: null,
    sequenceNumber: null,
    note: '+1 555 0100',
    discontinuity: null,
  };
  return { row, data: { payload: { Note__c: '=1+1' } } };
}

describe('exportEvents as CSV', () => {
  it('writes every value exactly when spreadsheet safety is off', async () => {
    const path = join(dir, 'exact.csv');
    expect(await exportEvents([formulaEvent()], path, 'csv')).toEqual({ events: 1, protectedCells: 0 });
    const [record] = parse<Record<string, string>>(readFileSync(path, 'utf8'), { columns: true });
    expect(record).toMatchObject({ replayId: '-1', recordIds: '=HYPERLINK("http://evil.example")', commitUser: '@admin', changeOrigin: '-cmd', note: '+1 555 0100' });
  });

  it("puts a quote before, and quotes, each text cell that would start a formula; numbers and the JSON payload stay as they are", async () => {
    const path = join(dir, 'safe.csv');
    expect(await exportEvents([formulaEvent()], path, 'csv', { formulaSafe: true })).toEqual({ events: 1, protectedCells: 4 });
    const text = readFileSync(path, 'utf8');
    expect(text.split('\r\n')[0]).toBe(EXPORT_CSV_COLUMNS.join(','));
    expect(text).toContain(`,"'@admin","'-cmd",`);
    const [record] = parse<Record<string, string>>(text, { columns: true });
    expect(record).toMatchObject({ seq: '7', replayId: '-1', recordIds: `'=HYPERLINK("http://evil.example")`, commitUser: "'@admin", changeOrigin: "'-cmd", note: "'+1 555 0100" });
    expect(JSON.parse(record?.['data'] ?? '')).toEqual({ payload: { Note__c: '=1+1' } });
  });

  it('leaves NDJSON as the org sent it whatever the option says', async () => {
    const path = join(dir, 'events.ndjson');
    expect(await exportEvents([formulaEvent()], path, 'ndjson', { formulaSafe: true })).toEqual({ events: 1, protectedCells: 0 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ replayId: -1, data: { payload: { Note__c: '=1+1' } } });
  });
});
