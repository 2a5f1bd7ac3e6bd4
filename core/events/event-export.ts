import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { ServiceError } from '../errors';
import { createFormulaGuard, PROTECTED_CELL } from '../files/formula-guard';
import type { CapturedEvent } from './event-capture';

/** The columns of a CSV export: the table's, then the whole message `data` as JSON. */
export const EXPORT_CSV_COLUMNS = [
  'seq',
  'receivedAt',
  'eventTime',
  'channel',
  'replayId',
  'kind',
  'entity',
  'changeType',
  'recordIds',
  'changedFields',
  'commitUser',
  'changeOrigin',
  'transactionKey',
  'sequenceNumber',
  'note',
  'data',
] as const;

/**
 * Streams captured events to a file: NDJSON (one `{"channel","replayId","receivedAt","data"}` line per event, `data` being
 * the message as the org sent it) or CSV (RFC 4180, CRLF, the table's columns, lists joined by `;`, `data` as JSON).
 * Events are read from the database in pages as the file drains. An unwritable path is a FILE error naming it. With
 * `formulaSafe` (CSV only), a text cell that would run as a formula in Excel gets a `'` in front and is quoted
 * (core/files/formula-guard.ts); the answer counts those cells.
 */
export async function exportEvents(
  events: Iterable<CapturedEvent>,
  path: string,
  format: 'ndjson' | 'csv',
  options: { formulaSafe?: boolean } = {},
): Promise<{ events: number; protectedCells: number }> {
  const guard = createFormulaGuard(options.formulaSafe === true);
  let count = 0;
  const counted = function* (): Generator<CapturedEvent> {
    for (const e of events) {
      count += 1;
      yield e;
    }
  };
  const source = Readable.from(counted(), { objectMode: true });
  try {
    if (format === 'ndjson') {
      const lines = new Transform({
        writableObjectMode: true,
        transform(e: CapturedEvent, _encoding, done) {
          done(null, `${JSON.stringify({ channel: e.row.channel, replayId: e.row.replayId, receivedAt: e.row.receivedAt, data: e.data })}\n`);
        },
      });
      await pipeline(source, lines, createWriteStream(path));
    } else {
      const toRecord = new Transform({
        objectMode: true,
        transform(e: CapturedEvent, _encoding, done) {
          const r = e.row;
          const cells: (string | number)[] = [
            r.seq,
            r.receivedAt,
            r.eventTime ?? '',
            r.channel,
            r.replayId,
            r.kind,
            r.entity ?? '',
            r.changeType ?? '',
            r.recordIds.join(';'),
            r.changedFields.join(';'),
            r.commitUser ?? '',
            r.changeOrigin ?? '',
            r.transactionKey ?? '',
            r.sequenceNumber ?? '',
            r.note ?? '',
            JSON.stringify(e.data),
          ];
          done(null, cells.map((cell) => (typeof cell === 'string' ? guard.cell(cell) : cell)));
        },
      });
      const quoting = options.formulaSafe === true ? { quoted_match: PROTECTED_CELL } : {};
      await pipeline(source, toRecord, stringify({ header: true, columns: [...EXPORT_CSV_COLUMNS], record_delimiter: 'windows', ...quoting }), createWriteStream(path));
    }
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      throw new ServiceError('FILE', `OrgDesk could not write the export to ${path} (${code}).`, 'Check that the folder exists, is writable and has free space, then export again.', { cause: error });
    }
    throw error;
  }
  return { events: count, protectedCells: guard.protectedCells };
}
