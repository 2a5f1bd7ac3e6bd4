/**
 * The three result files of an ingest job, produced in pieces so a 1M-row job streams: successfulResults
 * (`sf__Id,sf__Created,` + the uploaded columns), failedResults (`sf__Id,sf__Error,` + the uploaded columns; the wire order
 * puts sf__Id first although the docs show sf__Error first) and unprocessedrecords (the uploaded header and rows, as sent).
 * The sf__ header names are quoted, echoed header names are written as uploaded, and data cells are quoted (checklist 8).
 */
import type { ChunkSource } from './csv-output';
import { plainHeaderCell, quoteCell } from './csv-output';
import { delimiterChar, splitRecord } from './csv-input';
import { type IngestJob, OUTCOME } from './job-info';

/** Which result file. */
export type ResultKind = 'successfulResults' | 'failedResults' | 'unprocessedrecords';

const PIECE = 256 * 1024;

function terminator(job: IngestJob): string {
  return job.lineEnding === 'CRLF' ? '\r\n' : '\n';
}

function headerCells(job: IngestJob): string[] {
  const { content, layout } = job;
  if (content === undefined || content === '') return [];
  if (layout === undefined) {
    // The file couldn't be read (e.g. a line-ending mismatch): the header is still its first line.
    const lf = content.indexOf('\n');
    const end = lf === -1 ? content.length : content.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
    return splitRecord(content, 0, end, delimiterChar(job.columnDelimiter));
  }
  if (layout.count === 0) return [];
  return splitRecord(content, layout.starts[0] ?? 0, layout.ends[0] ?? 0, delimiterChar(job.columnDelimiter));
}

/** A piece-by-piece producer of one result file of a finished (or aborted) job. */
export function resultSource(job: IngestJob, kind: ResultKind): ChunkSource {
  const eol = terminator(job);
  const delimiter = delimiterChar(job.columnDelimiter);
  const content = job.content ?? '';
  const layout = job.layout;
  const outcomes = job.outcomes;

  if (kind === 'unprocessedrecords') {
    if (layout === undefined || outcomes === undefined) {
      // Never scanned (aborted before processing, or a file that couldn't be read): every row is unprocessed, as sent.
      let sent = false;
      return () => {
        if (sent) return undefined;
        sent = true;
        return content.length === 0 || content.endsWith('\n') ? content : content + eol;
      };
    }
    let row = -1;
    return () => {
      if (row >= outcomes.length) return undefined;
      let out = '';
      if (row === -1) {
        out = layout.count > 0 ? content.slice(layout.starts[0], layout.ends[0]) + eol : '';
        row = 0;
      }
      while (row < outcomes.length && out.length < PIECE) {
        if (outcomes[row] === OUTCOME.unprocessed) out += content.slice(layout.starts[row + 1], layout.ends[row + 1]) + eol;
        row += 1;
      }
      return out;
    };
  }

  const success = kind === 'successfulResults';
  const headers = headerCells(job);
  const head = [quoteCell('sf__Id'), quoteCell(success ? 'sf__Created' : 'sf__Error'), ...headers.map((h) => plainHeaderCell(h, delimiter))].join(delimiter) + eol;
  const total = outcomes?.length ?? 0;
  let row = -1;
  return () => {
    if (row >= total) return undefined;
    let out = '';
    if (row === -1) {
      out = head;
      row = 0;
    }
    while (row < total && out.length < PIECE) {
      const outcome = outcomes?.[row];
      const wanted = success ? outcome === OUTCOME.created || outcome === OUTCOME.updated : outcome === OUTCOME.failed;
      if (wanted && layout) {
        const cells = splitRecord(content, layout.starts[row + 1] ?? 0, layout.ends[row + 1] ?? 0, delimiter);
        let line = quoteCell(job.ids[row] ?? '') + delimiter + quoteCell(success ? String(outcome === OUTCOME.created) : (job.errors.get(row) ?? ''));
        for (let c = 0; c < headers.length; c += 1) line += delimiter + quoteCell(cells[c] ?? '');
        out += line + eol;
      }
      row += 1;
    }
    return out;
  };
}
