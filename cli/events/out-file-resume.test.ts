import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resumePointOfOutFile } from './out-file-resume';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-out-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const line = (channel: string, replayId: number): string => `${JSON.stringify({ channel, replayId, receivedAt: '2026-12-01T09:00:00.000Z', data: { n: replayId } })}\n`;

describe('resumePointOfOutFile', () => {
  it('answers the last replay id written for the channel, skipping other channels', () => {
    const path = join(dir, 'events.ndjson');
    writeFileSync(path, line('/data/A', 4) + line('/data/B', 9) + line('/data/A', 6) + line('/data/B', 11));
    expect(resumePointOfOutFile(path, '/data/A')).toEqual({ replayId: 6, repaired: false });
    expect(resumePointOfOutFile(path, '/data/C')).toEqual({ replayId: null, repaired: false });
    expect(resumePointOfOutFile(join(dir, 'none.ndjson'), '/data/A')).toEqual({ replayId: null, repaired: false });
  });

  it('cuts off a line a kill left half-written, and resumes after the last whole one', () => {
    const path = join(dir, 'events.ndjson');
    writeFileSync(path, line('/data/A', 4) + line('/data/A', 5).slice(0, 20));
    expect(resumePointOfOutFile(path, '/data/A')).toEqual({ replayId: 4, repaired: true });
    expect(readFileSync(path, 'utf8')).toBe(line('/data/A', 4));
    writeFileSync(path, '{"channel":"/data/A","repl');
    expect(resumePointOfOutFile(path, '/data/A')).toEqual({ replayId: null, repaired: true });
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});
