import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { CellValue, QueryProgress, QuerySort, ResultColumn } from '../../../../shared/ipc/contract';
import { installFakeBridge, type FakeBridge } from '../../../test/fake-bridge';
import { localOrgDescribe, localOrgObject } from '../../../test/local-org-catalog';
import { createDateTimeFormatter } from '../../components/data-grid/date-time-text';
import { ActiveOrgProvider } from '../../lib/active-org';
import { AppErrorProvider } from '../../lib/app-errors';
import type { SoqlEditorProps } from './monaco/soql-editor';
import { QueryArea } from './query-area';
import { demoOrg, stubElementSizes } from '../../../test/area-fixtures';

const editorSpy = vi.hoisted(() => ({ closedWidgets: 0 }));

// Monaco needs a real browser (e2e covers it); here a textarea stands in with the same props.
vi.mock('./monaco/soql-editor', () => ({
  SoqlEditor: (props: SoqlEditorProps): ReactNode => {
    const current = (el: HTMLTextAreaElement | null): void => {
      props.onReady?.({
        currentStatement: () => (el === null ? null : { soql: el.value.trim(), start: 0 }),
        format: () => undefined,
        focus: () => undefined,
        insert: (text) => {
          if (el === null) return;
          const at = el.selectionStart;
          props.onChange(el.value.slice(0, at) + text + el.value.slice(el.selectionEnd));
        },
        closeWidgets: () => {
          editorSpy.closedWidgets += 1;
        },
      });
    };
    return (
      <div>
        <textarea
          aria-label="SOQL editor"
          ref={current}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && e.ctrlKey) props.onRun({ soql: props.value.trim(), start: 0 });
          }}
        />
        {props.serverError === null ? null : <p data-testid="server-marker">{`${props.serverError.row ?? '-'}:${props.serverError.column ?? '-'}`}</p>}
      </div>
    );
  },
}));

stubElementSizes({ clientHeight: 600, clientWidth: 1200 });

const org = demoOrg;

const columns: ResultColumn[] = [
  { path: 'Id', kind: 'field' },
  { path: 'Name', kind: 'field' },
  { path: 'Owner.Name', kind: 'field' },
  { path: 'Contacts', kind: 'children' },
];
const TOTAL = 200_000;
const idOf = (i: number): string => `001${String(i).padStart(12, '0')}`;
const rowOf = (i: number): CellValue[] => [idOf(i), `Account ${i}`, i % 2 === 0 ? 'Ada' : null, { children: i % 3 }];

type Harness = { fake: FakeBridge; rowCalls: { offset: number; limit: number; sort: QuerySort[]; filter: string }[] };

function setup(fetched: () => number): Harness {
  const rowCalls: Harness['rowCalls'] = [];
  const fake = installFakeBridge({
    'app:info': { version: '0', platform: 'linux', mode: 'browser' },
    'orgs:list': [org],
    'orgs:active': { activeOrgId: 'org1' },
    'query:tabs-load': { tabs: [{ id: 't1', title: 'Query 1', soql: 'SELECT Id, Name, Owner.Name, (SELECT Id FROM Contacts) FROM Account' }], activeId: 't1' },
    'query:tabs-save': { saved: true },
    'query:run': { runId: 'run1' },
    'query:cancel': { cancelled: true },
    'query:objects': [],
    'query:history': [],
    'query:saved-list': [],
    'query:rows': (args) => {
      rowCalls.push({ offset: args.offset, limit: args.limit, sort: args.sort, filter: args.filter });
      const matched = args.filter === '' ? fetched() : Math.floor(fetched() / 10);
      const count = Math.max(0, Math.min(args.limit, matched - args.offset));
      const desc = args.sort[0]?.descending === true;
      const rows = Array.from({ length: count }, (_, k) => rowOf(desc ? matched - 1 - (args.offset + k) : args.offset + k));
      return { offset: args.offset, rows, matched, fetched: fetched(), totalSize: TOTAL };
    },
    'query:children': () => ({ columns: [{ path: 'Id', kind: 'field' }, { path: 'LastName', kind: 'field' }], rows: [['003000000000001', 'Lovelace']] }),
    'query:export': { files: ['/home/me/Downloads/Account-2026.csv'], rows: TOTAL, protectedCells: 0 },
  });
  return { fake, rowCalls };
}

const progress = (fetched: number, state: QueryProgress['state'] = 'running', extra: Partial<QueryProgress> = {}): QueryProgress => ({
  runId: 'run1',
  state,
  source: 'rest',
  fetched,
  totalSize: TOTAL,
  columns,
  durationMs: 1200,
  ...extra,
});

function renderArea(): void {
  render(
    <AppErrorProvider>
      <ActiveOrgProvider>
        <QueryArea />
      </ActiveOrgProvider>
    </AppErrorProvider>,
  );
}

async function runQuery(h: Harness): Promise<void> {
  const editor = await screen.findByLabelText('SOQL editor');
  await waitFor(() => expect(screen.getByRole('button', { name: /Run/ })).toBeEnabled());
  fireEvent.keyDown(editor, { key: 'Enter', ctrlKey: true });
  await waitFor(() => expect(h.fake.calls.some((c) => c.channel === 'query:run')).toBe(true));
}

describe('QueryArea', () => {
  it('runs the statement with Ctrl+Enter against the active org', async () => {
    const h = setup(() => 0);
    renderArea();
    await runQuery(h);
    expect(h.fake.calls.find((c) => c.channel === 'query:run')?.args).toEqual({
      orgId: 'org1',
      soql: 'SELECT Id, Name, Owner.Name, (SELECT Id FROM Contacts) FROM Account',
      includeDeleted: false,
      mode: 'auto',
    });
  });

  it('sends queryAll and Bulk when toggled', async () => {
    const h = setup(() => 0);
    renderArea();
    fireEvent.click(await screen.findByLabelText(/Include deleted/));
    fireEvent.click(screen.getByLabelText(/Bulk API/));
    await runQuery(h);
    expect(h.fake.calls.find((c) => c.channel === 'query:run')?.args).toMatchObject({ includeDeleted: true, mode: 'bulk' });
  });

  it('shows progress, streams rows into the grid as pages arrive and asks main only for the visible window', async () => {
    let fetched = 0;
    const h = setup(() => fetched);
    renderArea();
    await runQuery(h);
    fetched = 2000;
    act(() => h.fake.emit('query:progress', progress(2000)));
    await screen.findByText('Account 0');
    expect(screen.getByText(/2,000 \/ 200,000 rows/)).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '1');
    fetched = TOTAL;
    act(() => h.fake.emit('query:progress', progress(TOTAL, 'done')));
    await screen.findByText('200,000 rows');
    const maxEnd = Math.max(...h.rowCalls.map((c) => c.offset + c.limit));
    expect(maxEnd).toBeLessThanOrEqual(400);
    expect(h.rowCalls.every((c) => c.limit <= 400)).toBe(true);
  });

  it('shows null and empty differently and sends a header sort to main', async () => {
    const h = setup(() => 500);
    renderArea();
    await runQuery(h);
    act(() => h.fake.emit('query:progress', progress(500, 'done')));
    await screen.findByText('Account 0');
    expect(screen.getAllByText('null')[0]).toHaveClass('orgdesk-grid__null');
    fireEvent.click(screen.getByTitle(/Sort by Name/));
    await waitFor(() => expect(h.rowCalls.at(-1)?.sort).toEqual([{ column: 'Name', descending: false }]));
    fireEvent.click(screen.getByTitle(/Sort by Name/));
    await screen.findByText('Account 499');
  });

  it('sends the filter to main, debounced', async () => {
    const h = setup(() => 500);
    renderArea();
    await runQuery(h);
    act(() => h.fake.emit('query:progress', progress(500, 'done')));
    await screen.findByText('Account 0');
    fireEvent.change(screen.getByLabelText('Filter rows'), { target: { value: 'Acme' } });
    await waitFor(() => expect(h.rowCalls.at(-1)?.filter).toBe('Acme'));
    await screen.findByText('50 of 500 rows match');
  });

  it('expands a child subquery cell into a nested grid from query:children', async () => {
    const h = setup(() => 10);
    renderArea();
    await runQuery(h);
    act(() => h.fake.emit('query:progress', progress(10, 'done')));
    await screen.findByText('Account 0');
    fireEvent.click(screen.getAllByRole('button', { name: /1 record$/ })[0]!);
    const nested = await screen.findByRole('region', { name: 'Contacts of row 2' });
    expect(await within(nested).findByText('Lovelace')).toBeInTheDocument();
    expect(h.fake.calls.find((c) => c.channel === 'query:children')?.args).toEqual({ runId: 'run1', rowIndex: 1, column: 'Contacts', sort: [], filter: '' });
  });

  it('exports through main and shows where the file went', async () => {
    const h = setup(() => 10);
    renderArea();
    await runQuery(h);
    act(() => h.fake.emit('query:progress', progress(10, 'done')));
    fireEvent.click(await screen.findByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText(/Exported 200,000 rows to \/home\/me\/Downloads\/Account-2026.csv/)).toBeInTheDocument();
    expect(h.fake.calls.find((c) => c.channel === 'query:export')?.args).toEqual({ runId: 'run1', format: 'csv', formulaSafe: false });
  });

  it('exports Excel-safe CSV when asked, says how many cells got a quote, and remembers the choice next time', async () => {
    const h = setup(() => 10);
    h.fake.answer('query:export', { files: ['/home/me/Downloads/Account-2026.csv'], rows: TOTAL, protectedCells: 2 });
    renderArea();
    await runQuery(h);
    act(() => h.fake.emit('query:progress', progress(10, 'done')));
    const option = await screen.findByRole('checkbox', { name: 'Excel-safe CSV' });
    expect(option).not.toBeChecked();
    expect(option).toHaveAccessibleDescription(/=, \+, -, @, a tab or a line break get a ' in front/);
    fireEvent.click(option);
    expect(screen.getByText(/On: a ' goes before cells starting with/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText(/Excel-safe CSV: 2 cells starting like a formula got a ' in front/)).toBeInTheDocument();
    expect(h.fake.calls.find((c) => c.channel === 'query:export')?.args).toEqual({ runId: 'run1', format: 'csv', formulaSafe: true });
    fireEvent.click(screen.getByRole('button', { name: 'Export JSON' }));
    await waitFor(() => expect(h.fake.calls.filter((c) => c.channel === 'query:export').at(-1)?.args).toEqual({ runId: 'run1', format: 'json' }));

    cleanup();
    const again = setup(() => 10);
    renderArea();
    await runQuery(again);
    act(() => again.fake.emit('query:progress', progress(10, 'done')));
    expect(await screen.findByRole('checkbox', { name: 'Excel-safe CSV' })).toBeChecked();
  });

  it('copies a selected id column as a quoted SOQL IN list', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const h = setup(() => 10);
    renderArea();
    await runQuery(h);
    act(() => h.fake.emit('query:progress', progress(10, 'done')));
    await screen.findByText('Account 0');
    const cells = (r: number): HTMLElement[] => within(screen.getAllByRole('row')[r + 1]!).getAllByRole('gridcell');
    fireEvent.mouseDown(cells(0)[0]!);
    fireEvent.mouseUp(window);
    fireEvent.mouseDown(cells(2)[0]!, { shiftKey: true });
    fireEvent.click(screen.getByRole('button', { name: 'Copy as IN (…)' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(`('${idOf(0)}', '${idOf(1)}', '${idOf(2)}')`));
  });

  it('cancels a running query', async () => {
    const h = setup(() => 0);
    renderArea();
    await runQuery(h);
    act(() => h.fake.emit('query:progress', progress(2000)));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(h.fake.calls.find((c) => c.channel === 'query:cancel')?.args).toEqual({ runId: 'run1' }));
  });

  it('shows a server error and hands its row and column to the editor as a marker', async () => {
    const h = setup(() => 0);
    renderArea();
    await runQuery(h);
    const message = "\nSELECT Bacon__c FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Bacon__c' on entity 'Account'.";
    act(() => h.fake.emit('query:progress', progress(0, 'failed', { error: { code: 'SF_API', message, row: 1, column: 8 } })));
    expect(await screen.findByRole('alert')).toHaveTextContent("No such column 'Bacon__c' on entity 'Account'.");
    expect(screen.getByTestId('server-marker')).toHaveTextContent('1:8');
  });

  it('keeps progress that arrives before the run id', async () => {
    const h = setup(() => 3);
    h.fake.answer('query:run', () => {
      h.fake.emit('query:progress', progress(3, 'done'));
      return { runId: 'run1' };
    });
    renderArea();
    await runQuery(h);
    expect(await screen.findByText('Account 2')).toBeInTheDocument();
  });

  it('saves edited tabs to main after a pause and adds new tabs', async () => {
    const h = setup(() => 0);
    renderArea();
    const editor = await screen.findByLabelText('SOQL editor');
    fireEvent.change(editor, { target: { value: 'SELECT Id FROM Contact' } });
    await waitFor(() => expect(h.fake.calls.some((c) => c.channel === 'query:tabs-save')).toBe(true), { timeout: 3000 });
    expect(h.fake.calls.filter((c) => c.channel === 'query:tabs-save').at(-1)?.args).toEqual({
      tabs: [{ id: 't1', title: 'Query 1', soql: 'SELECT Id FROM Contact' }],
      activeId: 't1',
    });
    fireEvent.click(screen.getByRole('button', { name: 'New query tab' }));
    expect(within(screen.getByRole('toolbar', { name: 'Query tabs' })).getAllByRole('button', { name: /^Query \d$/ })).toHaveLength(2);
  });

  it('shows the explain plan as a table', async () => {
    const h = setup(() => 0);
    h.fake.answer('query:explain', {
      plans: [{ cardinality: 300, fields: [], leadingOperationType: 'TableScan', relativeCost: 1.35, sobjectCardinality: 300, sobjectType: 'Account', notes: ['Not indexed'] }],
    });
    renderArea();
    await screen.findByLabelText('SOQL editor');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Explain' })).toBeEnabled());
    fireEvent.click(screen.getByRole('button', { name: 'Explain' }));
    const table = await screen.findByRole('table', { name: 'Query plan' });
    expect(within(table).getByText('1.35')).toBeInTheDocument();
    expect(within(table).getByText('Not indexed')).toBeInTheDocument();
    expect(h.fake.calls.find((c) => c.channel === 'query:explain')?.args).toEqual({ orgId: 'org1', soql: 'SELECT Id, Name, Owner.Name, (SELECT Id FROM Contacts) FROM Account' });
  });

  it('searches the history and opens a past query in a new tab', async () => {
    const h = setup(() => 0);
    h.fake.answer('query:history', (args) =>
      [{ id: 1, orgId: 'org1', soql: 'SELECT Id FROM Invoice__c', rows: 12, durationMs: 340, ranAt: '2026-01-01T10:00:00.000Z', source: 'rest' as const }].filter((e) => e.soql.includes(args.search)),
    );
    renderArea();
    fireEvent.click(await screen.findByRole('button', { name: 'History & saved' }));
    fireEvent.change(screen.getByLabelText('Search queries'), { target: { value: 'Invoice' } });
    await waitFor(() => expect(h.fake.calls.filter((c) => c.channel === 'query:history').at(-1)?.args).toEqual({ search: 'Invoice', limit: 200 }));
    fireEvent.click(await screen.findByText('SELECT Id FROM Invoice__c'));
    await waitFor(() => expect(screen.getByLabelText('SOQL editor')).toHaveValue('SELECT Id FROM Invoice__c'));
    expect(within(screen.getByRole('toolbar', { name: 'Query tabs' })).getAllByRole('button', { name: /^Query \d$/ })).toHaveLength(2);
  });

  it('closes the editor\'s suggestion popup when a query runs', async () => {
    const h = setup(() => 0);
    renderArea();
    const before = editorSpy.closedWidgets;
    await runQuery(h);
    expect(editorSpy.closedWidgets).toBe(before + 1);
  });

  it('shows date-times in the person\'s time zone, raw once asked, and keeps that choice', async () => {
    const raw = '2026-01-15T22:30:05.000+0000';
    const h = setup(() => 1);
    h.fake.answer('query:rows', (args) => ({ offset: args.offset, rows: [['001000000000001AAA', raw]], matched: 1, fetched: 1, totalSize: 1 }));
    const dated = progress(1, 'done', { columns: [{ path: 'Id', kind: 'field' }, { path: 'CreatedDate', kind: 'field' }], totalSize: 1 });
    renderArea();
    await runQuery(h);
    act(() => h.fake.emit('query:progress', dated));
    const local = createDateTimeFormatter()(raw);
    expect(local).not.toBe(raw);
    expect(await screen.findByText(local)).toBeInTheDocument();
    fireEvent.click(screen.getByLabelText(/Raw date-times/));
    expect(await screen.findByText(raw)).toBeInTheDocument();
    cleanup();

    renderArea();
    await runQuery(h);
    act(() => h.fake.emit('query:progress', dated));
    expect(await screen.findByText(raw)).toBeInTheDocument();
    expect(screen.getByLabelText(/Raw date-times/)).toBeChecked();
  });

  it('explores the FROM object\'s fields of the local org: type, label, picklist values, search, and a click inserts at the cursor', async () => {
    const h = setup(() => 0);
    h.fake.answer('query:tabs-load', { tabs: [{ id: 't1', title: 'Query 1', soql: 'SELECT Id,  FROM Account' }], activeId: 't1' });
    h.fake.answer('query:objects', localOrgDescribe().objects);
    h.fake.answer('query:describe', (args) => localOrgObject(args.objectName));
    renderArea();
    const editor = await screen.findByLabelText<HTMLTextAreaElement>('SOQL editor');
    fireEvent.click(screen.getByRole('button', { name: 'Fields' }));
    const explorer = screen.getByRole('complementary', { name: 'Object explorer' });
    const fields = await within(explorer).findByRole('list', { name: 'Fields of Account' });
    const account = localOrgObject('Account');
    expect(within(fields).getAllByRole('button', { name: /^\w+$/ }).length).toBeGreaterThanOrEqual(account.fields.length);

    fireEvent.change(within(explorer).getByLabelText('Search fields'), { target: { value: 'rating' } });
    const rating = account.fields.find((f) => f.name === 'Rating')!;
    const entry = within(fields).getByRole('button', { name: 'Rating' }).closest('li')!;
    expect(entry).toHaveTextContent(rating.label);
    expect(entry).toHaveTextContent('picklist');
    for (const value of rating.picklistValues) expect(within(entry).getByRole('button', { name: value.value })).toBeInTheDocument();
    expect(within(fields).queryByRole('button', { name: 'Industry' })).not.toBeInTheDocument();

    editor.setSelectionRange('SELECT Id, '.length, 'SELECT Id, '.length);
    fireEvent.click(within(fields).getByRole('button', { name: 'Rating' }));
    await waitFor(() => expect(editor.value).toBe('SELECT Id, Rating FROM Account'));
    fireEvent.change(within(explorer).getByLabelText('Search fields'), { target: { value: 'Owner' } });
    const owner = within(fields).getByRole('button', { name: 'OwnerId' }).closest('li')!;
    expect(owner).toHaveTextContent('reference → User');
    expect(within(owner).getByRole('button', { name: 'Owner.' })).toBeInTheDocument();
    expect(h.fake.calls.filter((c) => c.channel === 'query:describe').map((c) => c.args)).toEqual([{ orgId: 'org1', objectName: 'Account' }]);
  });

  it('lists the org\'s objects in the explorer while the statement has no FROM object, and inserts a picked one', async () => {
    const h = setup(() => 0);
    h.fake.answer('query:tabs-load', { tabs: [{ id: 't1', title: 'Query 1', soql: 'SELECT Id FROM ' }], activeId: 't1' });
    h.fake.answer('query:objects', localOrgDescribe().objects);
    h.fake.answer('query:describe', (args) => localOrgObject(args.objectName));
    renderArea();
    const editor = await screen.findByLabelText<HTMLTextAreaElement>('SOQL editor');
    fireEvent.click(screen.getByRole('button', { name: 'Fields' }));
    const explorer = screen.getByRole('complementary', { name: 'Object explorer' });
    fireEvent.change(within(explorer).getByLabelText('Search objects'), { target: { value: 'invoice' } });
    const objects = await within(explorer).findByRole('list', { name: 'Objects' });
    editor.setSelectionRange(editor.value.length, editor.value.length);
    fireEvent.click(within(objects).getByRole('button', { name: 'Invoice__c' }));
    await waitFor(() => expect(editor.value).toBe('SELECT Id FROM Invoice__c'));
    expect(await within(explorer).findByRole('list', { name: 'Fields of Invoice__c' })).toBeInTheDocument();
  });

  it('saves the current statement under a name and deletes a saved query', async () => {
    const saved: { id: number; name: string; soql: string; orgId: string | null; savedAt: string }[] = [];
    const h = setup(() => 0);
    h.fake.answer('query:saved-list', () => [...saved]);
    h.fake.answer('query:saved-save', (args) => {
      const entry = { id: saved.length + 1, ...args, savedAt: '2026-01-01' };
      saved.push(entry);
      return entry;
    });
    h.fake.answer('query:saved-delete', (args) => {
      saved.splice(saved.findIndex((q) => q.id === args.id), 1);
      return { deleted: true };
    });
    renderArea();
    await screen.findByLabelText('SOQL editor');
    fireEvent.click(await screen.findByRole('button', { name: 'History & saved' }));
    fireEvent.click(screen.getByRole('button', { name: 'Saved' }));
    fireEvent.change(screen.getByLabelText('Saved query name'), { target: { value: 'Accounts with contacts' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Accounts with contacts')).toBeInTheDocument();
    expect(h.fake.calls.find((c) => c.channel === 'query:saved-save')?.args).toEqual({
      name: 'Accounts with contacts',
      soql: 'SELECT Id, Name, Owner.Name, (SELECT Id FROM Contacts) FROM Account',
      orgId: 'org1',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Delete Accounts with contacts' }));
    await waitFor(() => expect(screen.queryByText('Accounts with contacts')).not.toBeInTheDocument());
  });
});
