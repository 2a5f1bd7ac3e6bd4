/**
 * The record store: every row of the org in memory, with the indexes the REST, SOQL and Bulk layers need (by id, children by
 * parent, unique and external-id values), and a change hook for the streaming part. It stores; it does not validate
 * (that is `write.ts`).
 */
import { createIdMinter, normalizeId, type IdMinter } from './ids';
import type { FieldSchema, FieldValue, ObjectSchema, OrgData, RecordRow } from './types';

/** What kind of change a listener hears about (the CDC change types). */
type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE' | 'GAP_OVERFLOW';

/** One change to one record, as the store reports it after it happened. */
export type RecordChange = {
  objectName: string;
  changeType: Exclude<ChangeType, 'GAP_OVERFLOW'>;
  id: string;
  /** Field names set by the change (all non-null fields on CREATE, changed ones on UPDATE, [] on DELETE). */
  changedFields: string[];
  /** Who changed it: `rest`, `bulk`, `admin`, `seed`... (CDC's changeOrigin is derived from it). */
  origin: string;
  /** The row after the change (a live reference: copy it before keeping it). */
  row: RecordRow;
  /** The user who made the change. */
  userId: string;
  /** A transaction key shared by changes made together. */
  transactionKey: string;
  /** The `client=` of the request's `Sforce-Call-Options` header, when it had one (CDC puts it in changeOrigin). */
  client?: string;
  /** The API version of the request that made the change (`66.0`; CDC puts it in changeOrigin). */
  apiVersion?: string;
};

/** A listener of record changes; returns nothing, must not throw. */
export type ChangeListener = (change: RecordChange) => void;

/** Options of one store mutation. */
export type MutationOptions = { origin: string; userId: string; transactionKey?: string; silent?: boolean; client?: string; apiVersion?: string };

/** The in-memory org: OrgData for readers plus mutation primitives and indexes for the write layer. */
export interface OrgStore extends OrgData {
  /** The schema of a field of an object, case-insensitive on both names. */
  fieldSchema(objectName: string, fieldName: string): FieldSchema | undefined;
  /** The object schema whose key prefix is this. */
  objectByKeyPrefix(prefix: string): ObjectSchema | undefined;
  /** The non-deleted rows whose unique/external-id field holds this value (case-insensitive unless the field is case-sensitive). */
  findByIndexedValue(objectName: string, fieldName: string, value: string): RecordRow[];
  /** The number of rows of an object (deleted excluded unless asked). */
  count(objectName: string, options?: { includeDeleted: boolean }): number;
  /** Mints a fresh 18-character id for an object. */
  newId(objectName: string): string;
  /** The next value of an auto-number field (`Case.CaseNumber`). */
  nextAutoNumber(key: string): number;
  /** Inserts a complete row (Id set, every field present). */
  insert(objectName: string, row: RecordRow, options: MutationOptions): void;
  /** Applies changes to a row in place and reindexes it; `changedFields` is reported to listeners. */
  update(objectName: string, id: string, changes: RecordRow, options: MutationOptions): void;
  /** Marks a row deleted (kept for queryAll, out of unique indexes). */
  markDeleted(objectName: string, id: string, options: MutationOptions): void;
  /** Brings a deleted row back (undelete, or the rollback of a delete). */
  undelete(objectName: string, id: string, options: MutationOptions): void;
  /** Sends a change to listeners (for changes made with `silent` inside a transaction, published on commit). */
  publish(change: RecordChange): void;
  /** Removes a row for good (Bulk hardDelete, admin cleanup). */
  purge(objectName: string, id: string, options: MutationOptions): void;
  /** Holds back change notifications until `commit()` (sent) or `discard()` (dropped): used by all-or-none writes. */
  holdChanges(): { commit(): void; discard(): void };
  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  /**
   * Replaces an object's schema (the admin's run-time describe edits, schema-edits.ts): rows and indexes stay; a field
   * left out is no longer known to writes, queries or describe.
   */
  replaceSchema(schema: ObjectSchema): void;
  /** Empties the store (schemas kept, counters reset). */
  clear(): void;
  /** A plain snapshot for persistence. */
  snapshot(): StoreSnapshot;
  /** Replaces the content with a snapshot. */
  restore(snapshot: StoreSnapshot): void;
}

/** The persisted form of the store. */
export type StoreSnapshot = {
  version: 1;
  idCounters: Record<string, number>;
  autoNumbers: Record<string, number>;
  rows: Record<string, RecordRow[]>;
};

type ObjectTable = {
  schema: ObjectSchema;
  rows: RecordRow[];
  fieldsByLower: Map<string, FieldSchema>;
  /** Unique or external-id fields: field name → value key → the row (or rows, when an external id is not unique). */
  valueIndexes: Map<string, Map<string, RecordRow | RecordRow[]>>;
  /** The same indexes with their fields, for the insert path. */
  valueIndexList: { field: FieldSchema; index: Map<string, RecordRow | RecordRow[]> }[];
  /** Reference fields: field name → parent id → rows (deleted rows included). */
  childIndexes: Map<string, Map<string, Set<RecordRow>>>;
  /** The same indexes as a list, for the insert path. */
  childIndexList: { name: string; index: Map<string, Set<RecordRow>> }[];
  liveCount: number;
};

/** Reference fields left out of the child index (see buildTable). */
const UNINDEXED_REFERENCES: ReadonlySet<string> = new Set(['OwnerId', 'CreatedById', 'LastModifiedById']);

function indexKey(field: FieldSchema, value: FieldValue): string | undefined {
  if (value === null || value === '') return undefined;
  const text = String(value);
  return field.caseSensitive ? text : text.toLowerCase();
}

/** Creates an empty store over the given schemas. */
export function createOrgStore(schemas: readonly ObjectSchema[]): OrgStore {
  const tables = new Map<string, ObjectTable>();
  const byLowerName = new Map<string, ObjectTable>();
  const byPrefix = new Map<string, ObjectSchema>();
  const byId = new Map<string, { objectName: string; row: RecordRow }>();
  const listeners = new Set<ChangeListener>();
  let ids: IdMinter = createIdMinter();
  let autoNumbers = new Map<string, number>();
  let transactionCounter = 0;
  let held: RecordChange[] | undefined;

  function buildTable(schema: ObjectSchema): ObjectTable {
    const fieldsByLower = new Map(schema.fields.map((f) => [f.name.toLowerCase(), f]));
    const valueIndexes = new Map<string, Map<string, RecordRow | RecordRow[]>>();
    const childIndexes = new Map<string, Map<string, Set<RecordRow>>>();
    for (const f of schema.fields) {
      if (f.unique || f.externalId) valueIndexes.set(f.name, new Map());
      // Owner and audit lookups point a million rows at a handful of users: they are scanned instead of indexed.
      if (f.type === 'reference' && !UNINDEXED_REFERENCES.has(f.name)) childIndexes.set(f.name, new Map());
    }
    const valueIndexList = [...valueIndexes].map(([name, index]) => ({ field: fieldsByLower.get(name.toLowerCase()) as FieldSchema, index }));
    const childIndexList = [...childIndexes].map(([name, index]) => ({ name, index }));
    return { schema, rows: [], fieldsByLower, valueIndexes, valueIndexList, childIndexes, childIndexList, liveCount: 0 };
  }

  for (const schema of schemas) {
    const table = buildTable(schema);
    tables.set(schema.name, table);
    byLowerName.set(schema.name.toLowerCase(), table);
    byPrefix.set(schema.keyPrefix, schema);
  }

  function table(objectName: string): ObjectTable {
    const t = tables.get(objectName) ?? byLowerName.get(objectName.toLowerCase());
    if (!t) throw new Error(`The org has no object ${objectName}: use a name from the schema (emulator/org/schema.ts).`);
    return t;
  }

  function valueTargets(t: ObjectTable, fieldNames?: Iterable<string>): { field: FieldSchema; index: Map<string, RecordRow | RecordRow[]> }[] {
    if (fieldNames === undefined) return t.valueIndexList;
    const out: { field: FieldSchema; index: Map<string, RecordRow | RecordRow[]> }[] = [];
    for (const name of fieldNames) {
      const index = t.valueIndexes.get(name);
      const field = t.fieldsByLower.get(name.toLowerCase());
      if (index && field) out.push({ field, index });
    }
    return out;
  }

  function indexValues(t: ObjectTable, row: RecordRow, fieldNames?: Iterable<string>): void {
    for (const { field, index } of valueTargets(t, fieldNames)) {
      const key = indexKey(field, row[field.name] ?? null);
      if (key === undefined) continue;
      const current = index.get(key);
      if (current === undefined) index.set(key, row);
      else if (Array.isArray(current)) current.push(row);
      else index.set(key, [current, row]);
    }
  }

  function unindexValues(t: ObjectTable, row: RecordRow, fieldNames?: Iterable<string>): void {
    for (const { field, index } of valueTargets(t, fieldNames)) {
      const key = indexKey(field, row[field.name] ?? null);
      if (key === undefined) continue;
      const current = index.get(key);
      if (current === undefined) continue;
      const rest = (Array.isArray(current) ? current : [current]).filter((r) => r !== row);
      if (rest.length === 0) index.delete(key);
      else index.set(key, rest.length === 1 ? (rest[0] as RecordRow) : rest);
    }
  }

  function childTargets(t: ObjectTable, fieldNames?: Iterable<string>): { name: string; index: Map<string, Set<RecordRow>> }[] {
    if (fieldNames === undefined) return t.childIndexList;
    const out: { name: string; index: Map<string, Set<RecordRow>> }[] = [];
    for (const name of fieldNames) {
      const index = t.childIndexes.get(name);
      if (index) out.push({ name, index });
    }
    return out;
  }

  function indexChildren(t: ObjectTable, row: RecordRow, fieldNames?: Iterable<string>): void {
    for (const { name, index } of childTargets(t, fieldNames)) {
      const parent = row[name];
      if (typeof parent !== 'string') continue;
      const set = index.get(parent);
      if (set) set.add(row);
      else index.set(parent, new Set([row]));
    }
  }

  function unindexChildren(t: ObjectTable, row: RecordRow, fieldNames?: Iterable<string>): void {
    for (const { name, index } of childTargets(t, fieldNames)) {
      const parent = row[name];
      if (typeof parent !== 'string') continue;
      const set = index.get(parent);
      set?.delete(row);
      if (set && set.size === 0) index.delete(parent);
    }
  }

  function emit(change: Omit<RecordChange, 'transactionKey'>, options: MutationOptions): void {
    if (options.silent || listeners.size === 0) return;
    transactionCounter += 1;
    const full: RecordChange = { ...change, transactionKey: options.transactionKey ?? `tx-${transactionCounter.toString(16).padStart(8, '0')}` };
    if (options.client !== undefined) full.client = options.client;
    if (options.apiVersion !== undefined) full.apiVersion = options.apiVersion;
    if (held) {
      held.push(full);
      return;
    }
    deliver(full);
  }

  function deliver(full: RecordChange): void {
    for (const listener of listeners) {
      try {
        listener(full);
      } catch {
        // A listener's failure must not undo a committed write; listeners report their own errors.
      }
    }
  }

  function lookup(objectName: string, id: string): RecordRow {
    const hit = findById(id);
    if (!hit || hit.objectName !== table(objectName).schema.name) throw new Error(`No ${objectName} with id ${id}.`);
    return hit.row;
  }

  function findById(id: string): { objectName: string; row: RecordRow } | undefined {
    const normalized = normalizeId(id);
    return normalized === undefined ? undefined : byId.get(normalized);
  }

  const store: OrgStore = {
    objectSchema(name) {
      return (tables.get(name) ?? byLowerName.get(name.toLowerCase()))?.schema;
    },
    objectSchemas() {
      return [...tables.values()].map((t) => t.schema);
    },
    replaceSchema(schema) {
      const t = table(schema.name);
      t.schema = schema;
      t.fieldsByLower = new Map(schema.fields.map((f) => [f.name.toLowerCase(), f]));
      byPrefix.set(schema.keyPrefix, schema);
    },
    *rows(objectName, options) {
      const t = tables.get(objectName) ?? byLowerName.get(objectName.toLowerCase());
      if (!t) return;
      // Iterate by index so rows appended during iteration are not skipped and no copy is made.
      const rows = t.rows;
      for (let i = 0; i < rows.length; i += 1) {
        const row = rows[i] as RecordRow;
        if (options.includeDeleted || row.IsDeleted !== true) yield row;
      }
    },
    findById,
    *childRows(childObject, fieldName, parentId, options) {
      const t = tables.get(childObject) ?? byLowerName.get(childObject.toLowerCase());
      const f = t?.fieldsByLower.get(fieldName.toLowerCase());
      const normalized = normalizeId(parentId);
      if (!t || !f || normalized === undefined) return;
      const index = t.childIndexes.get(f.name);
      if (!index) {
        for (const row of t.rows) if (row[f.name] === normalized && (options.includeDeleted || row.IsDeleted !== true)) yield row;
        return;
      }
      const set = index.get(normalized);
      if (!set) return;
      for (const row of set) if (options.includeDeleted || row.IsDeleted !== true) yield row;
    },
    fieldSchema(objectName, fieldName) {
      const t = tables.get(objectName) ?? byLowerName.get(objectName.toLowerCase());
      return t?.fieldsByLower.get(fieldName.toLowerCase());
    },
    objectByKeyPrefix(prefix) {
      return byPrefix.get(prefix);
    },
    findByIndexedValue(objectName, fieldName, value) {
      const t = table(objectName);
      const f = t.fieldsByLower.get(fieldName.toLowerCase());
      if (!f) return [];
      const index = t.valueIndexes.get(f.name);
      const key = indexKey(f, value);
      if (key === undefined) return [];
      if (index) {
        const hit = index.get(key);
        if (hit === undefined) return [];
        return (Array.isArray(hit) ? hit : [hit]).filter((r) => r.IsDeleted !== true);
      }
      return t.rows.filter((r) => r.IsDeleted !== true && indexKey(f, r[f.name] ?? null) === key);
    },
    count(objectName, options = { includeDeleted: false }) {
      const t = table(objectName);
      return options.includeDeleted ? t.rows.length : t.liveCount;
    },
    newId(objectName) {
      return ids.next(table(objectName).schema.keyPrefix);
    },
    nextAutoNumber(key) {
      const next = (autoNumbers.get(key) ?? 0) + 1;
      autoNumbers.set(key, next);
      return next;
    },
    insert(objectName, row, options) {
      const t = table(objectName);
      const id = row.Id;
      if (typeof id !== 'string') throw new Error('A row needs an Id before it is inserted.');
      if (row.IsDeleted === undefined) row.IsDeleted = false;
      t.rows.push(row);
      byId.set(id, { objectName: t.schema.name, row });
      if (row.IsDeleted !== true) {
        t.liveCount += 1;
        indexValues(t, row);
      }
      indexChildren(t, row);
      if (!options.silent && listeners.size > 0) {
        const changedFields = Object.keys(row).filter((k) => row[k] !== null && k !== 'IsDeleted');
        emit({ objectName: t.schema.name, changeType: 'CREATE', id, changedFields, origin: options.origin, row, userId: options.userId }, options);
      }
    },
    update(objectName, id, changes, options) {
      const t = table(objectName);
      const row = lookup(objectName, id);
      const names = Object.keys(changes);
      // Listeners hear about the fields whose value changed (LastModifiedDate always, when stamped).
      const changedFields = listeners.size === 0 || options.silent ? names : names.filter((n) => n === 'LastModifiedDate' || (row[n] ?? null) !== (changes[n] ?? null));
      const live = row.IsDeleted !== true;
      if (live) unindexValues(t, row, names);
      unindexChildren(t, row, names);
      for (const name of names) row[name] = changes[name] ?? null;
      if (live) indexValues(t, row, names);
      indexChildren(t, row, names);
      emit({ objectName: t.schema.name, changeType: 'UPDATE', id: row.Id as string, changedFields, origin: options.origin, row, userId: options.userId }, options);
    },
    markDeleted(objectName, id, options) {
      const t = table(objectName);
      const row = lookup(objectName, id);
      if (row.IsDeleted === true) return;
      unindexValues(t, row);
      row.IsDeleted = true;
      t.liveCount -= 1;
      emit({ objectName: t.schema.name, changeType: 'DELETE', id: row.Id as string, changedFields: [], origin: options.origin, row, userId: options.userId }, options);
    },
    undelete(objectName, id, options) {
      const t = table(objectName);
      const row = lookup(objectName, id);
      if (row.IsDeleted !== true) return;
      row.IsDeleted = false;
      t.liveCount += 1;
      indexValues(t, row);
      emit({ objectName: t.schema.name, changeType: 'UNDELETE', id: row.Id as string, changedFields: [], origin: options.origin, row, userId: options.userId }, options);
    },
    publish(change) {
      const options: MutationOptions = { origin: change.origin, userId: change.userId, transactionKey: change.transactionKey };
      if (change.client !== undefined) options.client = change.client;
      if (change.apiVersion !== undefined) options.apiVersion = change.apiVersion;
      emit(change, options);
    },
    purge(objectName, id, options) {
      const t = table(objectName);
      const row = lookup(objectName, id);
      const wasLive = row.IsDeleted !== true;
      if (wasLive) {
        unindexValues(t, row);
        t.liveCount -= 1;
      }
      unindexChildren(t, row);
      byId.delete(row.Id as string);
      const at = t.rows.indexOf(row);
      if (at >= 0) t.rows.splice(at, 1);
      if (wasLive) emit({ objectName: t.schema.name, changeType: 'DELETE', id: row.Id as string, changedFields: [], origin: options.origin, row, userId: options.userId }, options);
    },
    holdChanges() {
      const previous = held;
      const mine: RecordChange[] = [];
      held = mine;
      return {
        commit() {
          held = previous;
          for (const change of mine) {
            if (held) held.push(change);
            else deliver(change);
          }
        },
        discard() {
          held = previous;
        },
      };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    clear() {
      for (const [name, t] of tables) {
        const fresh = buildTable(t.schema);
        tables.set(name, fresh);
        byLowerName.set(name.toLowerCase(), fresh);
      }
      byId.clear();
      ids = createIdMinter();
      autoNumbers = new Map();
    },
    snapshot() {
      const rows: Record<string, RecordRow[]> = {};
      for (const [name, t] of tables) rows[name] = t.rows;
      return { version: 1, idCounters: ids.snapshot(), autoNumbers: Object.fromEntries(autoNumbers), rows };
    },
    restore(snapshot) {
      store.clear();
      ids = createIdMinter(snapshot.idCounters);
      autoNumbers = new Map(Object.entries(snapshot.autoNumbers));
      for (const [name, rows] of Object.entries(snapshot.rows)) {
        if (!tables.has(name)) continue;
        for (const row of rows) store.insert(name, row, { origin: 'restore', userId: '', silent: true });
      }
    },
  };
  return store;
}
