import type { CapturedEventKind, EventRow, ReplayDiscontinuity } from '../../shared/ipc/domains/events';

/** An event as the capture stores it, before it gets its `seq`: the table's columns and the message's `data` as JSON. */
export type EventDraft = Omit<EventRow, 'seq'> & { data: string; replayBytes?: Buffer | null | undefined };

/** The CDC header fields the viewer reads (salesforce-api.md 6.4; any may be absent on an unusual event). */
type ChangeEventHeader = {
  entityName?: unknown;
  changeType?: unknown;
  recordIds?: unknown;
  changedFields?: unknown;
  nulledFields?: unknown;
  diffFields?: unknown;
  commitUser?: unknown;
  changeOrigin?: unknown;
  transactionKey?: unknown;
  sequenceNumber?: unknown;
  commitTimestamp?: unknown;
};

/** The fields of a CDC payload besides its header that are bookkeeping rather than a change a person made. */
const BOOKKEEPING_FIELDS = new Set(['ChangeEventHeader', 'LastModifiedDate', 'SystemModstamp']);

/**
 * Reads one received message's `data` into the row the table shows: CDC header fields, the kind (a `GAP_*` change type is a
 * gap, `GAP_OVERFLOW` an overflow), platform event fields (`CreatedDate`, `CreatedById`), and a note saying what a gap, an
 * overflow or a discontinuity means and what to do.
 */
export function describeEvent(input: {
  orgId: string;
  channel: string;
  replayId: number;
  data: Record<string, unknown>;
  receivedAt: Date;
  discontinuity: ReplayDiscontinuity | null;
  /** Pub/Sub's replay id bytes, stored for a resume. */
  replayBytes?: Buffer | undefined;
}): EventDraft {
  const payload = asObject(input.data.payload);
  const header = asObject(payload?.ChangeEventHeader) as ChangeEventHeader | null;
  const base = {
    orgId: input.orgId,
    channel: input.channel,
    replayId: input.replayId,
    receivedAt: input.receivedAt.toISOString(),
    discontinuity: input.discontinuity,
    data: JSON.stringify(input.data),
    replayBytes: input.replayBytes ?? null,
  };
  if (header !== null) {
    const changeType = text(header.changeType);
    const entity = text(header.entityName);
    const recordIds = strings(header.recordIds);
    const kind: CapturedEventKind = changeType === 'GAP_OVERFLOW' ? 'overflow' : changeType?.startsWith('GAP_') === true ? 'gap' : 'change';
    const commitTimestamp = typeof header.commitTimestamp === 'number' ? new Date(header.commitTimestamp).toISOString() : null;
    return {
      ...base,
      eventTime: commitTimestamp,
      kind,
      entity,
      changeType,
      recordIds,
      changedFields: changeType === 'UPDATE' ? changedFieldsOf(header, payload ?? {}) : [],
      nulledFields: strings(header.nulledFields),
      diffFields: strings(header.diffFields),
      commitUser: text(header.commitUser),
      changeOrigin: text(header.changeOrigin),
      transactionKey: text(header.transactionKey),
      sequenceNumber: typeof header.sequenceNumber === 'number' ? header.sequenceNumber : null,
      note: noteFor(kind, changeType, entity, recordIds) ?? input.discontinuity?.reason ?? null,
    };
  }
  const platform = input.channel.startsWith('/event/');
  return {
    ...base,
    eventTime: text(payload?.CreatedDate),
    kind: platform ? 'platform' : 'other',
    entity: platform ? input.channel.slice('/event/'.length) : null,
    changeType: null,
    recordIds: [],
    changedFields: [],
    nulledFields: [],
    diffFields: [],
    commitUser: text(payload?.CreatedById),
    changeOrigin: null,
    transactionKey: null,
    sequenceNumber: null,
    note: input.discontinuity?.reason ?? null,
  };
}

/**
 * The changed fields of an UPDATE: the header's `changedFields` (v5x+, compound parts dotted) without bookkeeping fields,
 * or, from older orgs, the payload's fields besides the header (only changed fields are present on an UPDATE).
 */
function changedFieldsOf(header: ChangeEventHeader, payload: Record<string, unknown>): string[] {
  const listed = Array.isArray(header.changedFields) ? strings(header.changedFields) : Object.keys(payload);
  return listed.filter((f) => !BOOKKEEPING_FIELDS.has(f));
}

function noteFor(kind: CapturedEventKind, changeType: string | null, entity: string | null, recordIds: string[]): string | null {
  const what = entity ?? 'record';
  switch (kind) {
    case 'gap':
      return `${changeType ?? 'GAP'}: Salesforce sent only the header of this ${what} change (it was over 1 MB, made at the database level, or hit an internal error), so its field values are unknown: re-query the ${recordIds.length === 1 ? 'record' : `${recordIds.length} records`} to see them.`;
    case 'overflow':
      return `GAP_OVERFLOW: one transaction changed more than 100,000 ${what} records or fields, so Salesforce stopped sending those changes one by one: re-query ${what} records changed around this time.`;
    case 'change':
    case 'platform':
    case 'other':
      return null;
  }
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
