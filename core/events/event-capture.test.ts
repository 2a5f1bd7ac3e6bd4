import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OrgDeskDatabase } from '../store/database';
import { MIGRATIONS } from '../store/migrations';
import { createEventCapture } from './event-capture';
import { describeEvent } from './event-description';

const ORG = 'org-1';
const CHANNEL = '/data/ContactChangeEvent';

let dir: string;
let database: OrgDeskDatabase;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-capture-'));
  database = openDatabase({ folder: dir });
});
afterEach(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

const draft = (replayId: number) =>
  describeEvent({ orgId: ORG, channel: CHANNEL, replayId, receivedAt: new Date('2026-12-01T09:00:00Z'), discontinuity: null, data: { event: { replayId }, payload: { LastName: `N${replayId}` } } });

/** Makes every insert into the capture fail inside SQLite, as a full disk would (a TEMP trigger on the real table). */
function fillTheDisk(db: OrgDeskDatabase['db']): () => void {
  db.exec(`CREATE TEMP TRIGGER disk_full BEFORE INSERT ON captured_events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
  return () => db.exec('DROP TRIGGER temp.disk_full');
}

describe('the event capture', () => {
  it('stores nothing and moves no checkpoint when the write fails part-way through a batch', () => {
    const capture = createEventCapture({ db: database.db });
    capture.append([draft(1)]);
    const freeSpace = fillTheDisk(database.db);
    expect(() => capture.append([draft(2), draft(3)])).toThrow(/disk is full/);
    expect(capture.checkpoint(ORG, CHANNEL)).toBe(1);
    expect(capture.stats().events).toBe(1);
    freeSpace();
    expect(capture.append([draft(2), draft(3)]).map((r) => r.replayId)).toEqual([2, 3]);
    expect(capture.checkpoint(ORG, CHANNEL)).toBe(3);
    expect(capture.stats().events).toBe(3);
  });

  it('is shared: an event received by the app and by orgdesk events is stored once, each keeping its own checkpoint', () => {
    const app = createEventCapture({ db: database.db });
    const cli = createEventCapture({ db: database.db });
    const [first] = app.append([draft(7)], 'app');
    const [again] = cli.append([draft(7)], null);
    expect(again?.seq).toBe(first?.seq);
    expect(app.window({ orgId: ORG }, 0, 10, 'asc').total).toBe(1);
    expect(cli.checkpoint(ORG, CHANNEL, 'cli')).toBeNull();
    cli.advance('cli', ORG, CHANNEL, 7);
    cli.advance('cli', ORG, CHANNEL, 5);
    expect(cli.checkpoint(ORG, CHANNEL, 'cli')).toBe(7);
    expect(app.checkpoint(ORG, CHANNEL, 'app')).toBe(7);
    app.append([draft(9)], 'app');
    expect(app.checkpoint(ORG, CHANNEL)).toBe(9);
    expect(cli.checkpoint(ORG, CHANNEL, 'cli')).toBe(7);
  });
});

describe('migration 6', () => {
  it('gives both consumers the old shared checkpoint and keeps one copy of events captured twice', () => {
    database.close();
    const folder = join(dir, 'before-6');
    const old = openDatabase({ folder, migrations: MIGRATIONS.slice(0, 5) });
    const insert = old.db.prepare(
      `INSERT INTO captured_events (org_id, channel, replay_id, received_at, kind, record_ids, changed_fields, data, bytes) VALUES (?, ?, ?, '2026-12-01T09:00:00Z', 'change', '["003A"]', '[]', '{}', 202)`,
    );
    for (const replayId of [1, 2, 2, 3]) {
      const seq = Number(insert.run(ORG, CHANNEL, replayId).lastInsertRowid);
      old.db.prepare('INSERT INTO captured_event_records (record_id, seq) VALUES (?, ?)').run('003A', seq);
    }
    old.db.prepare(`INSERT INTO event_checkpoints (org_id, channel, replay_id, updated_at) VALUES (?, ?, 3, '2026-12-01T09:00:00Z')`).run(ORG, CHANNEL);
    old.close();
    database = openDatabase({ folder });
    const capture = createEventCapture({ db: database.db });
    expect(capture.window({ orgId: ORG }, 0, 10, 'asc').rows.map((r) => r.replayId)).toEqual([1, 2, 3]);
    expect(database.db.prepare('SELECT COUNT(*) AS n FROM captured_event_records').get()).toEqual({ n: 3 });
    expect([capture.checkpoint(ORG, CHANNEL, 'app'), capture.checkpoint(ORG, CHANNEL, 'cli')]).toEqual([3, 3]);
  });
});
