/** The byte stage before a CSV parser: hashing, BOM, NUL bytes, the UTF-8 check naming line and byte, and decoding other encodings. */
import type { Hash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import type { CsvEncoding } from '../../shared/ipc/domains/load';
import { fileError, invalid, lineAt } from './csv-errors';
import type { ServiceError } from '../errors';

/** Length of the longest prefix of `bytes` that ends on a UTF-8 character boundary (at most 3 bytes are held back). */
function completeUtf8Length(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back += 1) {
    const b = bytes[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** The offset of the first byte that breaks UTF-8 in `bytes` (which `isUtf8` refused). */
function firstBadUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need === -1) return i;
    for (let k = 1; k <= need; k += 1) {
      if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    }
    const probe = bytes.subarray(i, i + need + 1);
    if (!isUtf8(probe)) return i; // overlong forms and surrogates
    i += need + 1;
  }
  return bytes.length;
}
/**
 * The byte stage before the parser: hashes and counts the raw bytes, drops a UTF-8 BOM, refuses NUL bytes (binary files,
 * spreadsheets, UTF-16 without a BOM) and bytes that are not UTF-8, naming line and byte; for Windows-1252 and ISO-8859-1
 * it decodes through iconv-lite and hands UTF-8 on, so the parser always reads UTF-8.
 */
export function createByteStage(input: {
  path: string;
  encoding: CsvEncoding;
  hash: Hash | undefined;
  onProgress: ((bytes: number) => void) | undefined;
}): Transform {
  const { path, encoding, hash, onProgress } = input;
  const decoder = encoding === 'utf-8' ? undefined : iconv.getDecoder(encoding);
  let position = 0;
  let first = true;
  let carry: Buffer | undefined;
  const refuse = (offset: number, what: (at: { line: number; byte: number }) => ServiceError, callback: TransformCallback): void => {
    lineAt(path, offset).then(
      (at) => callback(what(at)),
      (error: unknown) => callback(fileError(path, error)),
    );
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash?.update(chunk);
      const start = position;
      position += chunk.length;
      onProgress?.(position);
      let bytes = chunk;
      let skip = 0;
      if (first) {
        first = false;
        if (encoding === 'utf-8' && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) skip = 3;
      }
      const nul = bytes.indexOf(0, skip);
      if (nul !== -1) {
        refuse(
          start + nul,
          (at) =>
            invalid(
              `Line ${at.line} holds binary data (a NUL byte at byte ${at.byte} of the line): this is not a CSV text file.`,
              'Is it a spreadsheet (.xlsx) or UTF-16 text? Save it as "CSV UTF-8" and open it again.',
            ),
          callback,
        );
        return;
      }
      if (decoder !== undefined) {
        callback(null, Buffer.from(decoder.write(bytes), 'utf8'));
        return;
      }
      if (skip > 0) bytes = bytes.subarray(skip);
      const carried = carry?.length ?? 0;
      if (carry !== undefined) {
        bytes = Buffer.concat([carry, bytes]);
        carry = undefined;
      }
      const whole = completeUtf8Length(bytes);
      const body = whole === bytes.length ? bytes : bytes.subarray(0, whole);
      if (!isUtf8(body)) {
        const offset = start + skip - carried + firstBadUtf8(body);
        const bad = (body[offset - (start + skip - carried)] ?? 0).toString(16).toUpperCase().padStart(2, '0');
        refuse(
          offset,
          (at) =>
            invalid(
              `Line ${at.line} is not valid UTF-8 at byte ${at.byte} of the line (byte 0x${bad} at offset ${offset} of the file).`,
              'The file looks like Windows-1252 or ISO-8859-1 text (saved by an older Excel): read it as Windows-1252, or save it as "CSV UTF-8".',
            ),
          callback,
        );
        return;
      }
      if (whole < bytes.length) carry = Buffer.from(bytes.subarray(whole));
      callback(null, body);
    },
    flush(callback) {
      if (decoder !== undefined) {
        const rest = decoder.end();
        callback(null, rest === undefined || rest === '' ? undefined : Buffer.from(rest, 'utf8'));
        return;
      }
      if (carry !== undefined) {
        refuse(
          position - carry.length,
          (at) =>
            invalid(
              `Line ${at.line} is not valid UTF-8 at byte ${at.byte} of the line: the file ends in the middle of a character.`,
              'The file may be cut short; read it as Windows-1252 or save it again as "CSV UTF-8".',
            ),
          callback,
        );
        return;
      }
      callback();
    },
  });
}
