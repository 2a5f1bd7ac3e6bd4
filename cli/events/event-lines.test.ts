import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../shared/ipc/domains/events';
import { createEventLineWriter } from './event-lines';

const row = (seq: number): EventRow => ({
  seq,
  orgId: 'org-1',
  channel: '/data/ContactChangeEvent',
  replayId: 100 + seq,
  receivedAt: '2026-12-01T09:00:00.000Z',
  eventTime: null,
  kind: 'change',
  entity: 'Contact',
  changeType: 'CREATE',
  recordIds: [],
  changedFields: [],
  nulledFields: [],
  diffFields: [],
  commitUser: null,
  changeOrigin: null,
  transactionKey: null,
  sequenceNumber: null,
  note: null,
  discontinuity: null,
});

/** A sink that takes one chunk at a time and lets it through only when told, like a pipe whose reader is slow. */
function slowSink(): { stream: Writable; chunks: string[]; release(): void } {
  const chunks: string[] = [];
  let pending: (() => void) | null = null;
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      pending = callback;
    },
  });
  return {
    stream,
    chunks,
    release() {
      const next = pending;
      pending = null;
      next?.();
    },
  };
}

describe('the NDJSON line writer of orgdesk events', () => {
  it('writes each event once, in order, with the payload read back from the capture, holding rows while the output is full', async () => {
    const reads: number[] = [];
    const sink = slowSink();
    const writer = createEventLineWriter({
      capture: { get: (seq) => (reads.push(seq), { row: row(seq), data: { payload: { n: seq } } }) },
      output: sink.stream,
    });
    writer.write([row(1), row(2)]);
    writer.write([row(3)]);
    writer.write([row(4), row(5)]);
    // The output took the first batch and is full: the others wait as rows, their payloads not read yet.
    expect(reads).toEqual([1, 2]);
    const settled = writer.settled();
    for (let i = 0; i < 10 && sink.chunks.join('').split('\n').length < 6; i++) {
      sink.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    sink.release();
    await settled;
    const lines = sink.chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { replayId: number; data: { payload: { n: number } } });
    expect(lines.map((l) => l.replayId)).toEqual([101, 102, 103, 104, 105]);
    expect(lines.map((l) => l.data.payload.n)).toEqual([1, 2, 3, 4, 5]);
    expect(writer.count()).toBe(5);
  });

  it('never writes "data": null: a row whose payload left the capture is reported and gets no line; written rows are told in order', async () => {
    let text = '';
    const output = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        text += chunk.toString('utf8');
        callback();
      },
    });
    const missing: number[] = [];
    const written: number[] = [];
    const writer = createEventLineWriter({
      capture: { get: (seq) => (seq === 5 ? null : { row: row(seq), data: { n: seq } }) },
      output,
      onMissing: (r) => missing.push(r.seq),
      onWritten: (rows) => written.push(...rows.map((r) => r.seq)),
    });
    writer.write([row(4), row(5), row(6)]);
    expect(text.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { data: unknown }).data)).toEqual([{ n: 4 }, { n: 6 }]);
    expect(missing).toEqual([5]);
    // Told once the output took the chunk (its write callback), not when handed over.
    expect(written).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([4, 5, 6]);
  });
});
