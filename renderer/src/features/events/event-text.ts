import type { EventRow, EventSubscription, ReplayFrom, SubscriptionState } from '../../../../shared/ipc/contract';
import { assertNever } from '../../../../shared/ipc/result';

/** How a replay choice reads in the subscription list: `new only (-1)`, `all retained (-2)`, `after 42`, `after the last captured`. */
export function replayLabel(replay: ReplayFrom): string {
  switch (replay.kind) {
    case 'new':
      return 'new only (-1)';
    case 'retained':
      return 'all retained (-2)';
    case 'id':
      return `after ${replay.replayId}`;
    case 'checkpoint':
      return 'after the last captured';
    default:
      return assertNever(replay);
  }
}

/** The SLDS badge theme of a subscription state. */
export function stateBadgeClass(state: SubscriptionState): string {
  switch (state) {
    case 'live':
      return 'slds-badge slds-theme_success';
    case 'connecting':
    case 'reconnecting':
      return 'slds-badge slds-theme_warning';
    case 'failed':
      return 'slds-badge slds-theme_error';
    case 'stopped':
      return 'slds-badge';
    default:
      return assertNever(state);
  }
}

/** Whether a subscription still runs in main (connecting, live or reconnecting). */
export function isRunning(subscription: EventSubscription): boolean {
  return subscription.state === 'connecting' || subscription.state === 'live' || subscription.state === 'reconnecting';
}

/** Whether a row is one the table highlights: a gap, an overflow or the first event after a replay discontinuity. */
export function isAlertRow(row: EventRow): boolean {
  return row.kind === 'gap' || row.kind === 'overflow' || row.discontinuity !== null;
}

/** What the table says about a row's kind beside its change type, when it is more than an ordinary change. */
export function alertText(row: EventRow): string | null {
  if (row.note !== null) return row.note;
  if (row.discontinuity !== null) return `Replay ids jump after a reconnect: ${row.discontinuity.reason}`;
  if (row.kind === 'gap') return 'A gap event: the org could not send this change in full, so re-read the records.';
  if (row.kind === 'overflow') return 'An overflow event: over 100,000 changes in one transaction were not sent one by one.';
  return null;
}

/** A time of day with milliseconds (`14:03:07.123`) in the person's time zone; an empty string for none. */
export function timeOfDay(iso: string | null): string {
  if (iso === null) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** Record ids as a cell shows them: the first, then `+N` for the rest. */
export function recordIdsText(ids: readonly string[]): string {
  const [first, ...rest] = ids;
  if (first === undefined) return '';
  return rest.length === 0 ? first : `${first} +${rest.length}`;
}

/** The short form of a transaction key, for the grouping badge (`a1b2c3`). */
export function shortKey(key: string): string {
  return key.replace(/-/g, '').slice(0, 6);
}

/** A hue (0–359) for a transaction key, so events of one transaction share a colour. */
export function keyHue(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i += 1) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  return hash % 360;
}

/** The entity of a change channel: `/data/ContactChangeEvent` → `Contact`, `/data/Employee__ChangeEvent` → `Employee__c`. */
export function entityOfChannel(channel: string): string | null {
  const change = /^\/data\/(\w+?)(__)?ChangeEvent$/.exec(channel);
  if (change?.[1] !== undefined) return change[2] === undefined ? change[1] : `${change[1]}__c`;
  const platform = /^\/event\/(\w+__e)$/.exec(channel);
  return platform?.[1] ?? null;
}

/** Parses what a person typed as a replay id: a whole number of -2 or more, or null. */
export function parseReplayId(text: string): number | null {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) && value >= -2 ? value : null;
}

/** The replay choice for a typed id: -1 and -2 are the named choices, any other id replays after it. */
export function replayFromId(replayId: number): ReplayFrom {
  if (replayId === -1) return { kind: 'new' };
  if (replayId === -2) return { kind: 'retained' };
  return { kind: 'id', replayId };
}

