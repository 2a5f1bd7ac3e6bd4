import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSink } from './file-sink';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-sink-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('file sink', () => {
  it('writes text and bytes in order, through many full buffers, and counts the bytes', async () => {
    const path = join(dir, 'out.txt');
    const sink = createFileSink(path);
    let expected = '';
    for (let i = 0; i < 20_000; i += 1) {
      const line = `line ${i} ${'x'.repeat(100)}\n`;
      expected += line;
      const write = i % 2 === 0 ? sink.write(line) : sink.write(Buffer.from(line));
      if (write !== undefined) await write;
    }
    await sink.close({ sync: true });
    expect(readFileSync(path, 'utf8')).toBe(expected);
    expect(sink.bytes).toBe(Buffer.byteLength(expected));
  });

  it('turns a folder that cannot be written into a FILE error naming the path, without crashing', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const path = join(blocker, 'out.csv');
    const sink = createFileSink(path);
    await sink.write('row\n');
    await expect(sink.close()).rejects.toMatchObject({ code: 'FILE', message: expect.stringContaining(path) as unknown });
  });
});
