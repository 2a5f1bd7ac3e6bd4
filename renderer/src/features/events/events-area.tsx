import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { EventExportSelection, EventRow, EventSubscription, EventsApi } from '../../../../shared/ipc/contract';
import { FormulaSafeOption, protectedCellsText, useFormulaSafeExport } from '../../components/formula-safe-option';
import { invoke } from '../../lib/api';
import { useActiveOrg } from '../../lib/active-org';
import { useShowError } from '../../lib/app-errors';
import { useOpenInWorkbench } from '../query';
import { EventDetailPanel } from './event-detail';
import { EventTable } from './event-table';
import { entityOfChannel, isRunning, replayLabel, shortKey, stateBadgeClass } from './event-text';
import { PublishForm } from './publish-form';
import { RateSparkline } from './rate-sparkline';
import { SubscribeForm } from './subscribe-form';
import { useEventFeed, type FeedFilter } from './use-event-feed';
import { useSubscriptions } from './use-subscriptions';
import './events-area.css';

/** Change types the filter offers, in the order CDC documents them. */
const CHANGE_TYPES = ['CREATE', 'UPDATE', 'DELETE', 'UNDELETE', 'GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE', 'GAP_OVERFLOW'] as const;
/** How long typing rests before the filter asks main again. */
const TYPING_DELAY_MS = 300;

/** A value that follows `value` once it has rested for `delay` ms. */
function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/**
 * The Events area: subscribe to Change Data Capture or platform event channels with a replay choice, watch captured events
 * live (pause, filters, events per second), open one in detail, re-query gap records in the workbench, export and publish.
 */
export function EventsArea(): ReactNode {
  const { activeOrgId, activeOrg } = useActiveOrg();
  const showError = useShowError();
  const openInWorkbench = useOpenInWorkbench();
  const subs = useSubscriptions(activeOrgId, showError);

  const [entity, setEntity] = useState('');
  const [changeType, setChangeType] = useState('');
  const [recordIdText, setRecordIdText] = useState('');
  const [searchText, setSearchText] = useState('');
  const [transactionKey, setTransactionKey] = useState<string | null>(null);
  const recordId = useDebounced(recordIdText.trim(), TYPING_DELAY_MS);
  const text = useDebounced(searchText.trim(), TYPING_DELAY_MS);
  const filter = useMemo(() => {
    const next: FeedFilter = {};
    if (entity !== '') next.entity = entity;
    if (changeType !== '') next.changeTypes = [changeType];
    if (recordId !== '') next.recordId = recordId;
    if (text !== '') next.text = text;
    if (transactionKey !== null) next.transactionKey = transactionKey;
    return next;
  }, [entity, changeType, recordId, text, transactionKey]);
  const feed = useEventFeed(activeOrgId, filter, showError);

  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const [format, setFormat] = useState<'ndjson' | 'csv'>('ndjson');
  const [formulaSafe, setFormulaSafe] = useFormulaSafeExport();
  const [exported, setExported] = useState<{ file: string; events: number; note: string } | null>(null);
  const [exporting, setExporting] = useState(false);
  const [publishOpen, setPublishOpen] = useState(false);

  useEffect(() => {
    setSelectedSeq(null);
    setPicked(new Set());
  }, [activeOrgId]);

  const entities = useMemo(() => {
    const names = new Set<string>();
    for (const channel of subs.channels) if (channel.entity !== null) names.add(channel.entity);
    for (const subscription of subs.subscriptions) {
      const name = entityOfChannel(subscription.channel);
      if (name !== null) names.add(name);
    }
    return [...names].sort();
  }, [subs.channels, subs.subscriptions]);

  const onSelect = useCallback((row: EventRow) => setSelectedSeq(row.seq), []);
  const onTogglePick = useCallback(
    (row: EventRow) =>
      setPicked((previous) => {
        const next = new Set(previous);
        if (next.has(row.seq)) next.delete(row.seq);
        else next.add(row.seq);
        return next;
      }),
    [],
  );

  const exportEvents = async (): Promise<void> => {
    if (activeOrgId === null) return;
    const selection: EventExportSelection =
      picked.size > 0 ? { kind: 'seqs', orgId: activeOrgId, seqs: [...picked].sort((a, b) => a - b) } : { kind: 'filter', filter: { ...filter, orgId: activeOrgId } };
    setExporting(true);
    setExported(null);
    const result = await invoke('events:export', format === 'csv' ? { selection, format, formulaSafe } : { selection, format });
    setExporting(false);
    if (result.ok) setExported({ ...result.value, note: protectedCellsText(format === 'csv' && formulaSafe, result.value.protectedCells) });
    else showError(result.error);
  };

  const clearFilters = (): void => {
    setEntity('');
    setChangeType('');
    setRecordIdText('');
    setSearchText('');
    setTransactionKey(null);
  };
  const filtered = Object.keys(filter).length > 0;
  const capture = feed.capture;

  if (activeOrgId === null) {
    return (
      <div className="slds-p-around_medium">
        <h1 className="slds-text-heading_medium">Events</h1>
        <p className="slds-m-top_small slds-text-color_weak">Select an org in the header to watch its Change Data Capture and platform events.</p>
      </div>
    );
  }

  return (
    <div className="orgdesk-events">
      <div className="orgdesk-events__top">
        <SubscribeForm
          channels={subs.channels}
          disabled={activeOrg === null}
          busy={subs.subscribing}
          onSubscribe={(channel, replay, api) => void subs.subscribe(channel, replay, api)}
          onRefreshChannels={() => void subs.refreshChannels()}
        />
        <SubscriptionList subscriptions={subs.subscriptions} onStop={(id) => void subs.unsubscribe(id)} onRetry={(channel, replay, api) => void subs.subscribe(channel, replay, api)} />
      </div>
      <div className="orgdesk-events__toolbar" role="toolbar" aria-label="Event view">
        <button
          type="button"
          className={`slds-button ${feed.paused ? 'slds-button_brand' : 'slds-button_neutral'}`}
          aria-pressed={feed.paused}
          onClick={() => feed.setPaused(!feed.paused)}
          title={feed.paused ? 'Show the events captured while paused' : 'Hold the table still; capture goes on'}
        >
          {feed.paused ? `Resume${feed.waiting > 0 ? ` (${feed.waiting.toLocaleString()} waiting)` : ''}` : 'Pause'}
        </button>
        <div className="slds-select_container orgdesk-events__filter-entity">
          <select className="slds-select" aria-label="Entity" value={entity} onChange={(e) => setEntity(e.target.value)}>
            <option value="">All entities</option>
            {entities.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="slds-select_container orgdesk-events__filter-change">
          <select className="slds-select" aria-label="Change type" value={changeType} onChange={(e) => setChangeType(e.target.value)}>
            <option value="">All changes</option>
            {CHANGE_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <input className="slds-input orgdesk-events__filter-record" aria-label="Record id" placeholder="Record id" maxLength={18} value={recordIdText} onChange={(e) => setRecordIdText(e.target.value)} spellCheck={false} />
        <input className="slds-input orgdesk-events__filter-text" type="search" aria-label="Search events" placeholder="Search payloads" value={searchText} onChange={(e) => setSearchText(e.target.value)} />
        {transactionKey === null ? null : (
          <span className="slds-pill orgdesk-events__pill" title={transactionKey}>
            <span className="slds-pill__label">Transaction {shortKey(transactionKey)}</span>
            <button type="button" className="slds-button slds-button_icon slds-pill__remove" aria-label="Show every transaction" onClick={() => setTransactionKey(null)}>
              ×
            </button>
          </span>
        )}
        {filtered ? (
          <button type="button" className="slds-button" onClick={clearFilters}>
            Clear filters
          </button>
        ) : null}
        <span className="orgdesk-events__count slds-text-body_small" aria-live="polite">
          {filtered ? `${feed.matched.toLocaleString()} of ${eventCount(feed.total)}` : eventCount(feed.matched)}
        </span>
        <RateSparkline rate={feed.rate} />
        <div className="slds-select_container orgdesk-events__format">
          <select className="slds-select" aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as 'ndjson' | 'csv')}>
            <option value="ndjson">NDJSON</option>
            <option value="csv">CSV</option>
          </select>
        </div>
        {format === 'csv' ? <FormulaSafeOption checked={formulaSafe} onChange={setFormulaSafe} /> : null}
        <button type="button" className="slds-button slds-button_neutral" disabled={exporting} onClick={() => void exportEvents()} title="Ctrl/Cmd-click rows to export only those">
          {exporting ? 'Exporting…' : picked.size > 0 ? `Export ${picked.size} selected` : filtered ? 'Export filtered' : 'Export all'}
        </button>
        <button type="button" className={`slds-button ${publishOpen ? 'slds-button_brand' : 'slds-button_neutral'}`} aria-pressed={publishOpen} onClick={() => setPublishOpen((o) => !o)}>
          Publish
        </button>
      </div>
      {exported === null ? null : (
        <div className="orgdesk-events__notice slds-text-body_small" role="status">
          Exported {eventCount(exported.events)} to <code>{exported.file}</code>{exported.note}
          <button type="button" className="slds-button slds-m-left_small" onClick={() => setExported(null)}>
            Dismiss
          </button>
        </div>
      )}
      {capture !== null && capture.dropped > 0 ? (
        <div className="orgdesk-events__notice orgdesk-events__notice_warning slds-text-body_small" role="status">
          The capture reached its limit of {formatBytes(capture.maxBytes)}: the {capture.dropped.toLocaleString()} oldest events were dropped
          {capture.oldestAt === null ? '' : ` (it now starts at ${new Date(capture.oldestAt).toLocaleString()})`}.
        </div>
      ) : null}
      {publishOpen ? <PublishForm orgId={activeOrgId} channels={subs.channels} onError={showError} /> : null}
      <div className={`orgdesk-events__main${selectedSeq === null ? '' : ' orgdesk-events__main_detail'}`}>
        <EventTable
          rowCount={feed.matched}
          rowAt={feed.rowAt}
          version={feed.version}
          onVisibleRangeChange={feed.ensureRange}
          selectedSeq={selectedSeq}
          picked={picked}
          onSelect={onSelect}
          onTogglePick={onTogglePick}
          onGroupTransaction={setTransactionKey}
        />
        {selectedSeq === null ? null : (
          <EventDetailPanel
            seq={selectedSeq}
            onClose={() => setSelectedSeq(null)}
            onError={showError}
            onRequery={openInWorkbench}
            onGroupTransaction={setTransactionKey}
            onFilterRecord={setRecordIdText}
          />
        )}
      </div>
      <div className="orgdesk-events__footer slds-text-body_small slds-text-color_weak">
        {capture === null ? null : `Capture: ${eventCount(capture.events)}, ${formatBytes(capture.bytes)} of ${formatBytes(capture.maxBytes)}`}
        {feed.paused ? ' · Paused: capture goes on' : ''}
      </div>
    </div>
  );
}

/** `1 event`, `2,500 events`. */
function eventCount(count: number): string {
  return `${count.toLocaleString()} event${count === 1 ? '' : 's'}`;
}

/** A byte count for people: `12.3 MB`. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'TB'}`;
}

/** The subscriptions of the org: state, replay choice, reconnects, a failure with what to do, and Stop. */
function SubscriptionList({
  subscriptions,
  onStop,
  onRetry,
}: {
  subscriptions: EventSubscription[];
  onStop: (subscriptionId: string) => void;
  onRetry: (channel: string, replay: { kind: 'new' } | { kind: 'retained' }, api: EventsApi) => void;
}): ReactNode {
  const shown = subscriptions.filter((s) => s.state !== 'stopped');
  if (shown.length === 0) return null;
  return (
    <ul className="orgdesk-events__subs" aria-label="Subscriptions">
      {shown.map((s) => (
        <li key={s.subscriptionId} className="orgdesk-events__sub">
          <span className={stateBadgeClass(s.state)}>{s.state}</span>
          <code className="orgdesk-events__sub-channel">{s.channel}</code>
          <span className="slds-text-body_small slds-text-color_weak">
            {s.api === 'pubsub' ? 'Pub/Sub · ' : 'CometD · '}
            {replayLabel(s.replay)}
            {s.lastReplayId === null ? '' : ` · last ${s.lastReplayId}`}
            {s.reconnects > 0 ? ` · ${s.reconnects} reconnect${s.reconnects === 1 ? '' : 's'}` : ''}
            {s.state === 'reconnecting' && s.nextRetryAt !== null ? ` · retry at ${new Date(s.nextRetryAt).toLocaleTimeString()}` : ''}
          </span>
          {s.failure === undefined ? null : (
            <span className="orgdesk-events__sub-failure slds-text-body_small" role="alert">
              {s.failure.message}
              {s.failure.hint === undefined ? '' : ` ${s.failure.hint}`}
              {s.failure.reason === 'invalid-replay' ? (
                <>
                  <button type="button" className="slds-button slds-m-left_x-small" onClick={() => onRetry(s.channel, { kind: 'new' }, s.api)}>
                    {s.api === 'pubsub' ? 'Start with new events (LATEST)' : 'Start with new events (-1)'}
                  </button>
                  <button type="button" className="slds-button slds-m-left_x-small" onClick={() => onRetry(s.channel, { kind: 'retained' }, s.api)}>
                    {s.api === 'pubsub' ? 'Replay all retained (EARLIEST)' : 'Replay all retained (-2)'}
                  </button>
                </>
              ) : null}
            </span>
          )}
          <button
            type="button"
            className="slds-button slds-button_neutral orgdesk-events__sub-stop"
            onClick={() => onStop(s.subscriptionId)}
            aria-label={`${isRunning(s) ? 'Stop' : 'Dismiss'} ${s.channel}`}
          >
            {isRunning(s) ? 'Stop' : 'Dismiss'}
          </button>
        </li>
      ))}
    </ul>
  );
}
