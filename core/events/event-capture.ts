import type { CaptureStats, EventChannelInfo, EventFilter, EventRow, EventWindow, JsonValue, RecordSnapshot } from '../../shared/ipc/domains/events';
import type { SqliteDatabase } from '../store/database';
import type { EventDraft } from './event-description';

/** One captured event with its message `data`, for the detail panel, previous values and export. */
export type CapturedEvent = { row: EventRow; data: JsonValue };

/**
 * Who keeps a checkpoint: `app` (the viewer: an event counts once it is stored) or `cli` (`orgdesk events`: once its line
 * is written out). Each resumes from its own; the capture itself is shared (migration 6).
 */
export type EventConsumer = 'app' | 'cli';

/**
 * The capture of received events in the local database: bounded by size, oldest dropped first, searchable, with a
 * checkpoint per consumer. Shared by every consumer: an event is stored once per org, channel and replay id.
 */
export type EventCapture = {
  /**
   * Stores a batch in one transaction (an event already stored, by this or another consumer, keeps its row and `seq`),
   * moves `consumer`'s checkpoints in the same transaction (none when null), trims to the limit. Throws when the write
   * fails (a full disk): then nothing of the batch is stored and no checkpoint moved.
   */
  append(drafts: EventDraft[], consumer?: EventConsumer | null): EventRow[];
  /** Moves a consumer's checkpoint of a channel forward to `replayId` (never back), with its Pub/Sub bytes when known. */
  advance(consumer: EventConsumer, orgId: string, channel: string, replayId: number, replayBytes?: Buffer | null): void;
  /** Sets a consumer's checkpoint, back or forward (a run told to replay after an id starts over from there). */
  setCheckpoint(consumer: EventConsumer, orgId: string, channel: string, replayId: number, replayBytes?: Buffer | null): void;
  /** The Pub/Sub bytes of a replay id on a channel (the consumer's checkpoint's, else the captured event's), or null. */
  replayBytes(orgId: string, channel: string, replayId: number, consumer?: EventConsumer): Buffer | null;
  stats(): CaptureStats;
  /** Sets the size limit in bytes and trims at once. */
  setLimit(maxBytes: number): CaptureStats;
  /** A window of rows matching a filter, ordered by `seq`. */
  window(filter: EventFilter, offset: number, limit: number, order: 'asc' | 'desc'): EventWindow;
  /** One event with its data, or null when it was dropped or never captured. */
  get(seq: number): CapturedEvent | null;
  /** Earlier events of a record in this org (newest first, at most `limit`), for previous values. */
  earlierOfRecord(orgId: string, recordId: string, beforeSeq: number, limit: number): CapturedEvent[];
  /** Matching events in `seq` order, read in pages (for export). */
  iterate(filter: EventFilter): Generator<CapturedEvent>;
  /** The selected events of an org in `seq` order, read in pages (for export). */
  iterateSeqs(orgId: string, seqs: number[]): Generator<CapturedEvent>;
  /** The consumer's last replay id on a channel (`app` by default), or null. */
  checkpoint(orgId: string, channel: string, consumer?: EventConsumer): number | null;
  /** Per channel of an org: captured count and the consumer's checkpoint (channels typed by hand included). */
  channels(orgId: string, consumer?: EventConsumer): Pick<EventChannelInfo, 'channel' | 'checkpoint' | 'captured'>[];
  /** Deletes an org's events (one channel or all) and every consumer's checkpoints of them. */
  clear(orgId: string, channel?: string): CaptureStats;
  saveSnapshot(orgId: string, snapshot: RecordSnapshot): void;
  snapshot(orgId: string, recordId: string): RecordSnapshot | null;
};

type Row = {
  seq: number;
  org_id: string;
  channel: string;
  replay_id: number;
  received_at: string;
  event_time: string | null;
  kind: EventRow['kind'];
  entity: string | null;
  change_type: string | null;
  record_ids: string;
  changed_fields: string;
  nulled_fields: string;
  diff_fields: string;
  commit_user: string | null;
  change_origin: string | null;
  transaction_key: string | null;
  sequence_number: number | null;
  note: string | null;
  discontinuity: string | null;
  data?: string;
};

const ROW_COLUMNS =
  'e.seq, e.org_id, e.channel, e.replay_id, e.received_at, e.event_time, e.kind, e.entity, e.change_type, e.record_ids, e.changed_fields, e.nulled_fields, e.diff_fields, e.commit_user, e.change_origin, e.transaction_key, e.sequence_number, e.note, e.discontinuity';
/** The capture's default limit: 200 MB of payloads. */
const DEFAULT_CAPTURE_BYTES = 200_000_000;
const LIMIT_SETTING = 'events.captureMaxBytes';
const PAGE = 500;

/**
 * Builds the capture over the open database (migration 4's tables). The size counted is the payload's JSON length plus a
 * fixed overhead per event; past the limit the oldest events go first, and `dropped` says how many went since start.
 */
export function createEventCapture(options: { db: SqliteDatabase; now?: () => Date }): EventCapture {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const insert = db.prepare(
    `INSERT INTO captured_events (org_id, channel, replay_id, replay_bytes, received_at, event_time, kind, entity, change_type, record_ids, changed_fields, nulled_fields, diff_fields, commit_user, change_origin, transaction_key, sequence_number, note, discontinuity, data, bytes)
     VALUES (@orgId, @channel, @replayId, @replayBytes, @receivedAt, @eventTime, @kind, @entity, @changeType, @recordIds, @changedFields, @nulledFields, @diffFields, @commitUser, @changeOrigin, @transactionKey, @sequenceNumber, @note, @discontinuity, @data, @bytes)
     ON CONFLICT (org_id, channel, replay_id) DO NOTHING`,
  );
  const existing = db.prepare<[string, string, number], Row>(`SELECT ${ROW_COLUMNS} FROM captured_events e WHERE e.org_id = ? AND e.channel = ? AND e.replay_id = ?`);
  const storedBytes = db.prepare<[string, string, number], { replay_bytes: Buffer | null }>('SELECT replay_bytes FROM captured_events WHERE org_id = ? AND channel = ? AND replay_id = ?');
  const insertRecord = db.prepare('INSERT OR IGNORE INTO captured_event_records (record_id, seq) VALUES (?, ?)');
  const upsertCheckpoint = db.prepare(
    `INSERT INTO event_consumer_checkpoints (consumer, org_id, channel, replay_id, replay_bytes, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (consumer, org_id, channel) DO UPDATE SET replay_id = excluded.replay_id, replay_bytes = excluded.replay_bytes, updated_at = excluded.updated_at WHERE excluded.replay_id > replay_id`,
  );
  const setCheckpoint = db.prepare(
    `INSERT INTO event_consumer_checkpoints (consumer, org_id, channel, replay_id, replay_bytes, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (consumer, org_id, channel) DO UPDATE SET replay_id = excluded.replay_id, replay_bytes = excluded.replay_bytes, updated_at = excluded.updated_at`,
  );
  const dropOldest = db.prepare<[number], { bytes: number }>('DELETE FROM captured_events WHERE seq IN (SELECT seq FROM captured_events ORDER BY seq LIMIT ?) RETURNING bytes');
  const readSetting = db.prepare<[string], { value: string }>('SELECT value FROM app_settings WHERE key = ?');
  const writeSetting = db.prepare('INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const totals = db.prepare<[], { events: number; bytes: number | null }>('SELECT COUNT(*) AS events, SUM(bytes) AS bytes FROM captured_events');
  const oldest = db.prepare<[], { received_at: string }>('SELECT received_at FROM captured_events ORDER BY seq LIMIT 1');

  let maxBytes = Number(readSetting.get(LIMIT_SETTING)?.value ?? DEFAULT_CAPTURE_BYTES) || DEFAULT_CAPTURE_BYTES;
  const initial = totals.get();
  let events = initial?.events ?? 0;
  let bytes = initial?.bytes ?? 0;
  let dropped = 0;

  const trim = (): void => {
    while (bytes > maxBytes && events > 0) {
      const gone = dropOldest.all(Math.max(1, Math.min(PAGE, Math.ceil(events / 10))));
      if (gone.length === 0) break;
      events -= gone.length;
      dropped += gone.length;
      for (const g of gone) bytes -= g.bytes;
    }
  };

  const appendAll = db.transaction((drafts: EventDraft[], consumer: EventConsumer | null): EventRow[] => {
    const rows: EventRow[] = [];
    const last = new Map<string, { orgId: string; channel: string; replayId: number; replayBytes: Buffer | null }>();
    let added = 0;
    let addedBytes = 0;
    for (const draft of drafts) {
      const size = draft.data.length + 200;
      const result = insert.run({
        ...draft,
        recordIds: JSON.stringify(draft.recordIds),
        changedFields: JSON.stringify(draft.changedFields),
        nulledFields: JSON.stringify(draft.nulledFields),
        diffFields: JSON.stringify(draft.diffFields),
        replayBytes: draft.replayBytes ?? null,
        discontinuity: draft.discontinuity === null ? null : JSON.stringify(draft.discontinuity),
        bytes: size,
      });
      last.set(`${draft.orgId}\n${draft.channel}`, { orgId: draft.orgId, channel: draft.channel, replayId: draft.replayId, replayBytes: draft.replayBytes ?? null });
      if (result.changes === 0) {
        // Already captured (by the other consumer, or before a restart): shown with the row stored first.
        const stored = existing.get(draft.orgId, draft.channel, draft.replayId);
        if (stored !== undefined) rows.push(toRow(stored));
        continue;
      }
      const seq = Number(result.lastInsertRowid);
      for (const recordId of draft.recordIds) insertRecord.run(recordId, seq);
      added += 1;
      addedBytes += size;
      const { data: _data, replayBytes: _bytes, ...row } = draft;
      rows.push({ seq, ...row });
    }
    const at = now().toISOString();
    if (consumer !== null) for (const c of last.values()) upsertCheckpoint.run(consumer, c.orgId, c.channel, c.replayId, c.replayBytes, at);
    // Counted only once the transaction's writes went through (a throw above rolls everything back).
    events += added;
    bytes += addedBytes;
    trim();
    return rows;
  });

  const stats = (): CaptureStats => ({ events, bytes, maxBytes, dropped, oldestAt: oldest.get()?.received_at ?? null });

  const where = (filter: EventFilter): { sql: string; params: unknown[] } => {
    const clauses = ['e.org_id = ?'];
    const params: unknown[] = [filter.orgId];
    if (filter.channels !== undefined && filter.channels.length > 0) {
      clauses.push(`e.channel IN (${filter.channels.map(() => '?').join(', ')})`);
      params.push(...filter.channels);
    }
    if (filter.entity !== undefined && filter.entity !== '') {
      clauses.push('e.entity = ? COLLATE NOCASE');
      params.push(filter.entity);
    }
    if (filter.changeTypes !== undefined && filter.changeTypes.length > 0) {
      clauses.push(`e.change_type IN (${filter.changeTypes.map(() => '?').join(', ')})`);
      params.push(...filter.changeTypes);
    }
    if (filter.recordId !== undefined && filter.recordId !== '') {
      // A 15-character id matches its 18-character form (the first 15 characters are the id; the rest is a checksum).
      clauses.push('e.seq IN (SELECT seq FROM captured_event_records WHERE record_id = ? OR substr(record_id, 1, 15) = ?)');
      params.push(filter.recordId, filter.recordId.slice(0, 15));
    }
    if (filter.transactionKey !== undefined && filter.transactionKey !== '') {
      clauses.push('e.transaction_key = ?');
      params.push(filter.transactionKey);
    }
    const match = ftsQuery(filter.text);
    if (match !== null) {
      clauses.push('e.seq IN (SELECT rowid FROM captured_events_fts WHERE captured_events_fts MATCH ?)');
      params.push(match);
    }
    return { sql: clauses.join(' AND '), params };
  };

  function* pages(sql: string, params: unknown[]): Generator<CapturedEvent> {
    let after = 0;
    const statement = db.prepare<unknown[], Row>(`SELECT ${ROW_COLUMNS}, e.data FROM captured_events e WHERE ${sql} AND e.seq > ? ORDER BY e.seq LIMIT ${PAGE}`);
    for (;;) {
      const page = statement.all(...params, after);
      for (const r of page) yield captured(r);
      const lastRow = page.at(-1);
      if (lastRow === undefined || page.length < PAGE) return;
      after = lastRow.seq;
    }
  }

  return {
    append: (drafts, consumer = 'app') => (drafts.length === 0 ? [] : appendAll(drafts, consumer)),
    advance(consumer, orgId, channel, replayId, replayBytes = null) {
      upsertCheckpoint.run(consumer, orgId, channel, replayId, replayBytes ?? storedBytes.get(orgId, channel, replayId)?.replay_bytes ?? null, now().toISOString());
    },
    setCheckpoint(consumer, orgId, channel, replayId, replayBytes = null) {
      setCheckpoint.run(consumer, orgId, channel, replayId, replayBytes ?? storedBytes.get(orgId, channel, replayId)?.replay_bytes ?? null, now().toISOString());
    },
    replayBytes(orgId, channel, replayId, consumer = 'app') {
      const checkpoint = db
        .prepare<[string, string, string, number], { replay_bytes: Buffer | null }>('SELECT replay_bytes FROM event_consumer_checkpoints WHERE consumer = ? AND org_id = ? AND channel = ? AND replay_id = ?')
        .get(consumer, orgId, channel, replayId)?.replay_bytes;
      return checkpoint ?? storedBytes.get(orgId, channel, replayId)?.replay_bytes ?? null;
    },
    stats,
    setLimit(limit) {
      maxBytes = limit;
      writeSetting.run(LIMIT_SETTING, String(limit));
      db.transaction(trim)();
      return stats();
    },
    window(filter, offset, limit, order) {
      const { sql, params } = where(filter);
      const matched = db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM captured_events e WHERE ${sql}`).get(...params)?.n ?? 0;
      const total = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM captured_events WHERE org_id = ?').get(filter.orgId)?.n ?? 0;
      const rows = db
        .prepare<unknown[], Row>(`SELECT ${ROW_COLUMNS} FROM captured_events e WHERE ${sql} ORDER BY e.seq ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`)
        .all(...params, limit, offset)
        .map(toRow);
      return { offset, rows, matched, total };
    },
    get(seq) {
      const r = db.prepare<[number], Row>(`SELECT ${ROW_COLUMNS}, e.data FROM captured_events e WHERE e.seq = ?`).get(seq);
      return r === undefined ? null : captured(r);
    },
    earlierOfRecord(orgId, recordId, beforeSeq, limit) {
      return db
        .prepare<[string, string, number, number], Row>(
          `SELECT ${ROW_COLUMNS}, e.data FROM captured_event_records r JOIN captured_events e ON e.seq = r.seq
           WHERE r.record_id = ? AND e.org_id = ? AND r.seq < ? ORDER BY r.seq DESC LIMIT ?`,
        )
        .all(recordId, orgId, beforeSeq, limit)
        .map(captured);
    },
    iterate(filter) {
      const { sql, params } = where(filter);
      return pages(sql, params);
    },
    *iterateSeqs(orgId, seqs) {
      const sorted = [...new Set(seqs)].sort((a, b) => a - b);
      for (let i = 0; i < sorted.length; i += PAGE) {
        const chunk = sorted.slice(i, i + PAGE);
        const rows = db
          .prepare<unknown[], Row>(`SELECT ${ROW_COLUMNS}, e.data FROM captured_events e WHERE e.org_id = ? AND e.seq IN (${chunk.map(() => '?').join(', ')}) ORDER BY e.seq`)
          .all(orgId, ...chunk);
        for (const r of rows) yield captured(r);
      }
    },
    checkpoint(orgId, channel, consumer = 'app') {
      return (
        db
          .prepare<[string, string, string], { replay_id: number }>('SELECT replay_id FROM event_consumer_checkpoints WHERE consumer = ? AND org_id = ? AND channel = ?')
          .get(consumer, orgId, channel)?.replay_id ?? null
      );
    },
    channels(orgId, consumer = 'app') {
      return db
        .prepare<[string, string, string], { channel: string; captured: number; checkpoint: number | null }>(
          `SELECT channel, SUM(captured) AS captured, MAX(checkpoint) AS checkpoint FROM (
             SELECT channel, COUNT(*) AS captured, NULL AS checkpoint FROM captured_events WHERE org_id = ? GROUP BY channel
             UNION ALL SELECT channel, 0, replay_id FROM event_consumer_checkpoints WHERE org_id = ? AND consumer = ?
           ) GROUP BY channel ORDER BY channel`,
        )
        .all(orgId, orgId, consumer);
    },
    clear(orgId, channel) {
      db.transaction(() => {
        const gone =
          channel === undefined
            ? db.prepare<[string], { bytes: number }>('DELETE FROM captured_events WHERE org_id = ? RETURNING bytes').all(orgId)
            : db.prepare<[string, string], { bytes: number }>('DELETE FROM captured_events WHERE org_id = ? AND channel = ? RETURNING bytes').all(orgId, channel);
        events -= gone.length;
        for (const g of gone) bytes -= g.bytes;
        if (channel === undefined) db.prepare('DELETE FROM event_consumer_checkpoints WHERE org_id = ?').run(orgId);
        else db.prepare('DELETE FROM event_consumer_checkpoints WHERE org_id = ? AND channel = ?').run(orgId, channel);
      })();
      return stats();
    },
    saveSnapshot(orgId, snapshot) {
      db.prepare(
        `INSERT INTO record_snapshots (org_id, record_id, entity, fetched_at, fields) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (org_id, record_id) DO UPDATE SET entity = excluded.entity, fetched_at = excluded.fetched_at, fields = excluded.fields`,
      ).run(orgId, snapshot.recordId, snapshot.entity, snapshot.fetchedAt, JSON.stringify(snapshot.fields));
    },
    snapshot(orgId, recordId) {
      const r = db
        .prepare<[string, string, string], { record_id: string; entity: string; fetched_at: string; fields: string }>(
          'SELECT record_id, entity, fetched_at, fields FROM record_snapshots WHERE org_id = ? AND (record_id = ? OR substr(record_id, 1, 15) = ?)',
        )
        .get(orgId, recordId, recordId.slice(0, 15));
      return r === undefined ? null : { entity: r.entity, recordId: r.record_id, fetchedAt: r.fetched_at, fields: JSON.parse(r.fields) as Record<string, JsonValue> };
    },
  };
}

/**
 * Turns what a person typed into an FTS5 query: each word quoted (so `-`, `:` or `*` never become FTS syntax errors), a
 * phrase in double quotes kept whole, and a prefix match on the last word while typing. Null when nothing is left.
 */
export function ftsQuery(text: string | undefined): string | null {
  if (text === undefined) return null;
  const parts: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const phrase = m[1] ?? m[2] ?? '';
    const tokens = phrase.split(/[^\p{L}\p{N}_]+/u).filter((t) => t !== '');
    if (tokens.length === 0) continue;
    parts.push(`"${tokens.join(' ')}"`);
  }
  if (parts.length === 0) return null;
  const lastIndex = parts.length - 1;
  if (!text.trimEnd().endsWith('"')) parts[lastIndex] = `${parts[lastIndex] ?? ''}*`;
  return parts.join(' ');
}

function toRow(r: Row): EventRow {
  return {
    seq: r.seq,
    orgId: r.org_id,
    channel: r.channel,
    replayId: r.replay_id,
    receivedAt: r.received_at,
    eventTime: r.event_time,
    kind: r.kind,
    entity: r.entity,
    changeType: r.change_type,
    recordIds: JSON.parse(r.record_ids) as string[],
    changedFields: JSON.parse(r.changed_fields) as string[],
    nulledFields: JSON.parse(r.nulled_fields) as string[],
    diffFields: JSON.parse(r.diff_fields) as string[],
    commitUser: r.commit_user,
    changeOrigin: r.change_origin,
    transactionKey: r.transaction_key,
    sequenceNumber: r.sequence_number,
    note: r.note,
    discontinuity: r.discontinuity === null ? null : (JSON.parse(r.discontinuity) as EventRow['discontinuity']),
  };
}

function captured(r: Row): CapturedEvent {
  return { row: toRow(r), data: JSON.parse(r.data ?? 'null') as JsonValue };
}
