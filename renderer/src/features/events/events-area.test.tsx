import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { CaptureStats, EventDetail, EventFilter, EventRow, EventSubscription } from '../../../../shared/ipc/contract';
import { installFakeBridge, type FakeBridge } from '../../../test/fake-bridge';
import { ActiveOrgProvider } from '../../lib/active-org';
import { AppErrorProvider } from '../../lib/app-errors';
import { WorkbenchLinkProvider } from '../query';
import { EventsArea } from './events-area';
import { demoOrg, stubElementSizes } from '../../../test/area-fixtures';

stubElementSizes({ clientHeight: 600, clientWidth: 1400 });

const org = demoOrg;

const contactId = (n: number): string => `003${String(n).padStart(15, '0')}`;

function eventRow(seq: number, changes: Partial<EventRow> = {}): EventRow {
  return {
    seq,
    orgId: 'org1',
    channel: '/data/ContactChangeEvent',
    replayId: 100 + seq,
    receivedAt: '2026-12-01T09:00:00.000Z',
    eventTime: '2026-12-01T09:00:00.000Z',
    kind: 'change',
    entity: 'Contact',
    changeType: 'UPDATE',
    recordIds: [contactId(seq)],
    changedFields: ['Title', 'LastModifiedDate'],
    nulledFields: [],
    diffFields: [],
    commitUser: '005000000000001AAA',
    changeOrigin: 'com/salesforce/api/rest/62.0',
    transactionKey: `tx-${seq}`,
    sequenceNumber: 1,
    note: null,
    discontinuity: null,
    ...changes,
  };
}

const capture: CaptureStats = { events: 0, bytes: 0, maxBytes: 100_000_000, dropped: 0, oldestAt: null };

function matches(row: EventRow, filter: EventFilter): boolean {
  if (filter.entity !== undefined && row.entity !== filter.entity) return false;
  if (filter.changeTypes !== undefined && filter.changeTypes.length > 0 && !filter.changeTypes.includes(row.changeType ?? '')) return false;
  if (filter.transactionKey !== undefined && row.transactionKey !== filter.transactionKey) return false;
  return true;
}

const subscription: EventSubscription = {
  subscriptionId: 's1',
  orgId: 'org1',
  channel: '/data/ContactChangeEvent',
  replay: { kind: 'new' },
  api: 'pubsub',
  state: 'live',
  lastReplayId: null,
  received: 0,
  reconnects: 0,
  nextRetryAt: null,
  startedAt: '2026-12-01T09:00:00.000Z',
};

/** A fake main: `captured` is the capture; `events:rows` filters and windows it like main does. */
function setup(captured: EventRow[], onOpen = vi.fn()): { fake: FakeBridge; captured: EventRow[]; onOpen: typeof onOpen } {
  const fake = installFakeBridge({
    'orgs:list': [org],
    'orgs:active': { activeOrgId: 'org1' },
    'events:channels': [
      { channel: '/data/ChangeEvents', kind: 'all-changes', label: 'All changes', entity: null, checkpoint: null, captured: 0 },
      { channel: '/data/ContactChangeEvent', kind: 'change', label: 'Contact changes', entity: 'Contact', checkpoint: 104, captured: 4 },
      { channel: '/event/Order_Event__e', kind: 'platform', label: 'Order Event', entity: 'Order_Event__e', checkpoint: null, captured: 0 },
    ],
    'events:subscriptions': [],
    'events:capture': capture,
    'events:rows': ({ filter, offset, limit }) => {
      const all = captured.filter((row) => matches(row, filter));
      return { offset, rows: all.slice(offset, offset + limit), matched: all.length, total: captured.length };
    },
    'events:subscribe': ({ channel, replay, api }) => ({ ...subscription, channel, replay, api: api ?? 'pubsub' }),
  });
  render(
    <AppErrorProvider>
      <ActiveOrgProvider>
        <WorkbenchLinkProvider onOpen={onOpen}>
          <EventsArea />
        </WorkbenchLinkProvider>
      </ActiveOrgProvider>
    </AppErrorProvider>,
  );
  return { fake, captured, onOpen };
}

const table = (): HTMLElement => screen.getByRole('grid', { name: 'Events' });
const bodyRows = (): HTMLElement[] => within(table()).getAllByRole('row').filter((row) => row.getAttribute('aria-rowindex') !== null);

/** Main captures rows and pushes them in a batch, as it does every ~100 ms. */
function push(fake: FakeBridge, captured: EventRow[], rows: EventRow[]): void {
  captured.push(...rows);
  act(() => fake.emit('events:batch', { rows, capture: { ...capture, events: captured.length } }));
}

describe('the Events area', () => {
  it('shows the events captured before a reload, with their changed fields marked', async () => {
    setup([eventRow(1), eventRow(2, { changeType: 'CREATE', changedFields: [] })]);
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    const first = bodyRows()[0];
    expect(first).toBeDefined();
    const cells = within(first as HTMLElement).getAllByRole('gridcell');
    expect(cells.map((cell) => cell.textContent)).toEqual(expect.arrayContaining(['Contact', 'UPDATE', contactId(1), '101', '005000000000001AAA']));
    expect(within(first as HTMLElement).getByText('Title')).toHaveClass('orgdesk-events__field');
    expect(screen.getByText('2 events')).toBeInTheDocument();
  });

  it('subscribes after a typed replay id and shows the subscription live', async () => {
    const { fake } = setup([]);
    await waitFor(() => expect(fake.calls.some((c) => c.channel === 'events:channels')).toBe(true));
    fireEvent.change(screen.getByLabelText('Channel'), { target: { value: '/data/ContactChangeEvent' } });
    fireEvent.change(screen.getByLabelText('Replay'), { target: { value: 'id' } });
    fireEvent.change(screen.getByLabelText('Replay id'), { target: { value: '42' } });
    fireEvent.click(screen.getByRole('button', { name: 'Subscribe' }));
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Subscriptions' })).getByText('live')).toBeInTheDocument());
    expect(fake.calls.find((c) => c.channel === 'events:subscribe')?.args).toEqual({ orgId: 'org1', channel: '/data/ContactChangeEvent', replay: { kind: 'id', replayId: 42 }, api: 'pubsub' });
    expect(screen.getByText(/Pub\/Sub · after 42/)).toBeInTheDocument();
  });

  it('subscribes over the Pub/Sub API by default and over CometD when chosen, naming the replay choices for each', async () => {
    const { fake } = setup([]);
    await waitFor(() => expect(fake.calls.some((c) => c.channel === 'events:channels')).toBe(true));
    expect(screen.getByLabelText('API')).toHaveValue('pubsub');
    expect(screen.getByRole('option', { name: 'New events only (LATEST)' })).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('API'), { target: { value: 'cometd' } });
    expect(screen.getByRole('option', { name: 'All retained events (-2)' })).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Subscribe' }));
    await waitFor(() => expect(fake.calls.find((c) => c.channel === 'events:subscribe')?.args).toMatchObject({ channel: '/data/ChangeEvents', replay: { kind: 'new' }, api: 'cometd' }));
    expect(await screen.findByText(/CometD · new only/)).toBeInTheDocument();
  });

  it('marks changed, nulled (∅) and diff (Δ) fields apart in the table and the detail panel, and lists every record id', async () => {
    const ids = [contactId(1), contactId(2), contactId(3)];
    const row = eventRow(1, { recordIds: ids, changedFields: ['Title', 'Phone', 'Description'], nulledFields: ['Phone'], diffFields: ['Description'] });
    const { fake } = setup([row]);
    fake.answer('events:get', { row, data: { payload: {} }, changes: [], requerySoql: null });
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    const cells = within(bodyRows()[0] as HTMLElement);
    expect(cells.getByText('Title')).toHaveAttribute('title', 'Title: changed');
    expect(cells.getByText('∅ Phone')).toHaveClass('orgdesk-events__field_nulled');
    expect(cells.getByText('Δ Description')).toHaveClass('orgdesk-events__field_diff');
    expect(cells.queryByText('Phone')).toBeNull();
    fireEvent.click(bodyRows()[0] as HTMLElement);
    const panel = await screen.findByRole('complementary', { name: 'Event detail' });
    expect(await within(panel).findByLabelText('Changed fields')).toHaveTextContent('Title, Phone, Description');
    expect(within(panel).getByLabelText('Nulled (∅) fields')).toHaveTextContent('Phone');
    expect(within(panel).getByLabelText('Diff (Δ) fields')).toHaveTextContent('Description');
    expect(within(panel).getByText('Records (3)')).toBeInTheDocument();
    const listed = within(within(panel).getByRole('list', { name: 'Records of this event' })).getAllByRole('listitem');
    expect(listed.map((item) => item.textContent)).toEqual(ids);
    expect(within(panel).queryByRole('button', { name: 'Fetch the record' })).toBeNull();
    const second = contactId(2);
    fireEvent.click(within(panel).getByRole('button', { name: second }));
    await waitFor(() => expect(screen.getByLabelText('Record id')).toHaveValue(second));
  });

  it('offers new-only or all-retained when the org refuses the replay id', async () => {
    const { fake } = setup([]);
    await waitFor(() => expect(fake.calls.some((c) => c.channel === 'events:subscriptions')).toBe(true));
    act(() =>
      fake.emit('events:status', {
        ...subscription,
        api: 'cometd',
        replay: { kind: 'id', replayId: 7 },
        state: 'failed',
        failure: { reason: 'invalid-replay', code: 'VALIDATION', message: 'The replay id 7 is no longer retained.', hint: 'Start from -1 or -2.' },
      }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Replay all retained (-2)' }));
    await waitFor(() => expect(fake.calls.find((c) => c.channel === 'events:subscribe')?.args).toEqual({ orgId: 'org1', channel: '/data/ContactChangeEvent', replay: { kind: 'retained' }, api: 'cometd' }));
  });

  it('adds live events as batches arrive, holds them while paused with a count, and shows them on resume', async () => {
    const { fake, captured } = setup([eventRow(1)]);
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    push(fake, captured, [eventRow(2)]);
    await waitFor(() => expect(bodyRows()).toHaveLength(2));

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    push(fake, captured, [eventRow(3), eventRow(4)]);
    expect(await screen.findByRole('button', { name: 'Resume (2 waiting)' })).toBeInTheDocument();
    expect(bodyRows()).toHaveLength(2);

    fireEvent.click(screen.getByRole('button', { name: 'Resume (2 waiting)' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    expect(screen.getByRole('button', { name: 'Pause' })).toBeInTheDocument();
  });

  it('reads the window again when the capture drops its oldest events, and says so', async () => {
    const { fake, captured } = setup([eventRow(1), eventRow(2), eventRow(3)]);
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    push(fake, captured, [eventRow(4)]);
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    captured.splice(0, 2);
    const next = [eventRow(5)];
    captured.push(...next);
    act(() => fake.emit('events:batch', { rows: next, capture: { ...capture, events: 3, dropped: 2, oldestAt: '2026-12-01T09:00:00.000Z' } }));
    await waitFor(() => expect(bodyRows().map((row) => within(row).getAllByRole('gridcell')[6]?.textContent)).toEqual(['103', '104', '105']));
    expect(screen.getByText(/the 2 oldest events were dropped/)).toBeInTheDocument();
  });

  it('filters by change type through main and keeps following new events under the filter', async () => {
    const { fake, captured } = setup([eventRow(1), eventRow(2, { changeType: 'CREATE', changedFields: [] })]);
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    fireEvent.change(screen.getByLabelText('Change type'), { target: { value: 'CREATE' } });
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    expect(fake.calls.filter((c) => c.channel === 'events:rows').at(-1)?.args).toMatchObject({ filter: { orgId: 'org1', changeTypes: ['CREATE'] } });
    expect(screen.getByText('1 of 2 events')).toBeInTheDocument();
    push(fake, captured, [eventRow(3), eventRow(4, { changeType: 'CREATE', changedFields: [] })]);
    await waitFor(() => expect(screen.getByText('2 of 4 events')).toBeInTheDocument());
    expect(bodyRows()).toHaveLength(2);
  });

  it('opens an UPDATE with its changed fields, new and previous values, and the payload as a tree', async () => {
    const { fake } = setup([eventRow(1)]);
    const detail: EventDetail = {
      row: eventRow(1),
      data: { schema: 's', payload: { ChangeEventHeader: { changeType: 'UPDATE' }, Title: 'CTO' }, event: { replayId: 101 } },
      changes: [
        { field: 'Title', value: 'CTO', previous: { source: 'event', seq: 0, value: 'VP' } },
        { field: 'Phone', value: '555', previous: { source: 'unknown' } },
      ],
      requerySoql: null,
    };
    fake.answer('events:get', detail);
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    fireEvent.click(bodyRows()[0] as HTMLElement);
    const panel = await screen.findByRole('complementary', { name: 'Event detail' });
    const changes = await within(panel).findByRole('table', { name: 'Changed fields' });
    const title = within(changes).getByText('Title').closest('tr') as HTMLElement;
    expect(title).toHaveTextContent('"CTO"');
    expect(title).toHaveTextContent('"VP" (event #0)');
    expect(within(changes).getByText('Phone').closest('tr')).toHaveTextContent('unknown');
    expect(within(panel).getByRole('treeitem', { name: 'Title' })).toHaveTextContent('Title: "CTO"');
  });

  it('highlights a gap event with what it means and re-queries its records in the workbench', async () => {
    const gap = eventRow(1, { kind: 'gap', changeType: 'GAP_UPDATE', changedFields: [], note: 'The org could not send this change: re-read the record.' });
    const { fake, onOpen } = setup([gap]);
    fake.answer('events:get', { row: gap, data: {}, changes: [], requerySoql: `SELECT FIELDS(ALL) FROM Contact WHERE Id IN ('${contactId(1)}')` });
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    expect(bodyRows()[0]).toHaveClass('orgdesk-events__row_alert');
    fireEvent.click(bodyRows()[0] as HTMLElement);
    const panel = await screen.findByRole('complementary', { name: 'Event detail' });
    expect(within(panel).getByRole('alert')).toHaveTextContent('re-read the record');
    fireEvent.click(within(panel).getByRole('button', { name: 'Re-query in the workbench' }));
    expect(onOpen).toHaveBeenCalledTimes(1);
  });

  it('shows only one transaction when its key is clicked', async () => {
    const { fake } = setup([eventRow(1, { transactionKey: 'tx-a' }), eventRow(2, { transactionKey: 'tx-b' }), eventRow(3, { transactionKey: 'tx-a' })]);
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    fireEvent.click(within(bodyRows()[0] as HTMLElement).getByRole('button', { name: /Show transaction/ }));
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    expect(fake.calls.filter((c) => c.channel === 'events:rows').at(-1)?.args).toMatchObject({ filter: { transactionKey: 'tx-a' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show every transaction' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
  });

  it('exports the filtered events, or only the rows picked with Ctrl-click, and says where the file is', async () => {
    const { fake } = setup([eventRow(1), eventRow(2)]);
    fake.answer('events:export', ({ selection }) => ({ file: '/tmp/exports/events-1.ndjson', events: selection.kind === 'seqs' ? selection.seqs.length : 2, protectedCells: 0 }));
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Export all' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Exported 2 events to /tmp/exports/events-1.ndjson');
    expect(fake.calls.find((c) => c.channel === 'events:export')?.args).toEqual({ selection: { kind: 'filter', filter: { orgId: 'org1' } }, format: 'ndjson' });

    fireEvent.click(bodyRows()[1] as HTMLElement, { ctrlKey: true });
    fireEvent.change(screen.getByLabelText('Export format'), { target: { value: 'csv' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export 1 selected' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.channel === 'events:export').at(-1)?.args).toEqual({ selection: { kind: 'seqs', orgId: 'org1', seqs: [2] }, format: 'csv', formulaSafe: false }));
  });

  it('offers Excel-safe CSV for a CSV export only, says what it changed, and remembers the choice', async () => {
    const { fake } = setup([eventRow(1), eventRow(2)]);
    fake.answer('events:export', { file: '/tmp/exports/events-2.csv', events: 2, protectedCells: 3 });
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    expect(screen.queryByRole('checkbox', { name: 'Excel-safe CSV' })).toBeNull();
    fireEvent.change(screen.getByLabelText('Export format'), { target: { value: 'csv' } });
    const option = screen.getByRole('checkbox', { name: 'Excel-safe CSV' });
    expect(option).not.toBeChecked();
    expect(option).toHaveAccessibleDescription(/get a ' in front, so Excel shows them as text.*Off: every value is exported exactly/);
    fireEvent.click(option);
    fireEvent.click(screen.getByRole('button', { name: 'Export all' }));
    expect(await screen.findByRole('status')).toHaveTextContent("Exported 2 events to /tmp/exports/events-2.csv. Excel-safe CSV: 3 cells starting like a formula got a ' in front");
    expect(fake.calls.find((c) => c.channel === 'events:export')?.args).toMatchObject({ format: 'csv', formulaSafe: true });

    cleanup();
    setup([eventRow(1)]);
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    fireEvent.change(screen.getByLabelText('Export format'), { target: { value: 'csv' } });
    expect(screen.getByRole('checkbox', { name: 'Excel-safe CSV' })).toBeChecked();
  });
});
