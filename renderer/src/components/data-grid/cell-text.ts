import type { GridCell } from './grid-types';

/** The text a cell contributes to a copy: nulls are empty, child cells their count. */
export function cellToText(cell: GridCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'object') return String(cell.children);
  return String(cell);
}

/** Quotes a TSV field when it holds a tab, a line break or a quote (the convention spreadsheets read back). */
function tsvField(text: string): string {
  return /[\t\n\r"]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of cells as tab-separated text with CRLF-free line breaks, ready for the clipboard. */
export function toTsv(header: string[] | null, rows: (GridCell | undefined)[][]): string {
  const lines = rows.map((row) => row.map((cell) => tsvField(cellToText(cell))).join('\t'));
  return (header === null ? lines : [header.map(tsvField).join('\t'), ...lines]).join('\n');
}

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character case-safe suffix Salesforce appends to a 15-character id (one bit per upper-case letter, per 5 characters). */
export function idChecksum(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const ch = id15.charAt(block * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/**
 * Whether a cell holds a record id: an 18-character id whose checksum matches, or a 15-character one in an id column
 * (`Id`, `AccountId`, `Owner.Id`, a custom lookup `Account__c`).
 */
export function isRecordId(value: GridCell | undefined, columnId: string): value is string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) return false;
  if (value.length === 18) return idChecksum(value.slice(0, 15)) === value.slice(15).toUpperCase();
  const last = columnId.split('.').pop() ?? '';
  return /Id$/.test(last) || /__c$/.test(last);
}
