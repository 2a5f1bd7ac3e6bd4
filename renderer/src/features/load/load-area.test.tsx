import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { LoadFileInfo, LoadObject, LoadField, LoadPlan, LoadProgress, LoadSummary, PreflightReport } from '../../../../shared/ipc/contract';
import { installFakeBridge, type FakeAnswers, type FakeBridge } from '../../../test/fake-bridge';
import { ActiveOrgProvider } from '../../lib/active-org';
import { AppErrorProvider } from '../../lib/app-errors';
import { LoadArea } from './load-area';
import { demoOrg } from '../../../test/area-fixtures';

// uPlot draws on a canvas jsdom does not have; the e2e journey and the screenshot cover the real chart.
vi.mock('./progress-chart', () => ({
  ProgressChart: ({ samples }: { samples: unknown[] }): ReactNode => <div data-testid="chart">{samples.length} samples</div>,
}));

const org = demoOrg;

const fileInfo: LoadFileInfo = {
  fileId: 'f1',
  name: 'contacts.csv',
  path: '/tmp/uploads/abc',
  sizeBytes: 2048,
  sha256: 'aa',
  encoding: 'utf-8',
  bom: true,
  delimiter: ';',
  lineEnding: 'CRLF',
  headers: ['Last Name', 'Email', 'Acct', 'Notes'],
  preview: [
    ['Lovelace', 'ada@example.com', 'ACME-1', 'first'],
    ['Hopper', 'grace@example', 'ACME-2', ''],
  ],
  rowCount: 120,
};

const field = (name: string, extra: Partial<LoadField> = {}): LoadField => ({
  name,
  label: name.replace(/([a-z])([A-Z])/g, '$1 $2'),
  type: 'string',
  length: 80,
  precision: 0,
  scale: 0,
  createable: true,
  updateable: true,
  nillable: true,
  defaultedOnCreate: false,
  requiredOnCreate: false,
  externalId: false,
  idLookup: false,
  unique: false,
  referenceTo: [],
  relationshipName: null,
  restrictedPicklist: false,
  picklistValues: [],
  ...extra,
});

const contact: LoadObject = {
  name: 'Contact',
  label: 'Contact',
  keyPrefix: '003',
  fields: [
    field('Id', { type: 'id', createable: false, updateable: false, idLookup: true }),
    field('LastName', { requiredOnCreate: true, nillable: false }),
    field('Email', { type: 'email' }),
    field('AccountId', { type: 'reference', referenceTo: ['Account'], relationshipName: 'Account' }),
    field('External_Id__c', { externalId: true, unique: true }),
  ],
};

const report: PreflightReport = {
  rowsChecked: 120,
  validRows: 117,
  invalidRows: 3,
  groups: [
    {
      kind: 'bad-number',
      count: 1,
      message: 'Not a number',
      examples: [{ row: 9, column: 'Amount', value: '12,3x', why: 'Not a number' }],
    },
    {
      kind: 'required-missing',
      count: 2,
      message: 'Required field is empty',
      hint: 'Fill it in, or leave the rows out; to empty a field on update write #N/A.',
      examples: [
        { row: 4, column: 'Last Name', value: '', why: 'LastName is required when creating a Contact' },
        { row: 7, column: 'Last Name', value: '', why: 'LastName is required when creating a Contact' },
      ],
    },
  ],
  unmappedColumns: ['Notes'],
  durationMs: 42,
};

const counts = { input: 120, excluded: 3, uploaded: 0, processed: 0, success: 0, failed: 0, unprocessed: 0 };

const summary = (extra: Partial<LoadSummary> = {}): LoadSummary => ({
  loadId: 'L1',
  orgId: 'org1',
  fileName: 'contacts.csv',
  sourcePath: '/tmp/uploads/abc',
  objectName: 'Contact',
  operation: 'insert',
  state: 'done',
  counts: { input: 120, excluded: 3, uploaded: 117, processed: 117, success: 112, failed: 5, unprocessed: 0 },
  jobs: [{ jobId: '750000000000001', state: 'JobComplete', firstRow: 1, lastRow: 120, rows: 117, processed: 117, failed: 5 }],
  files: {
    success: '/loads/contacts-success.csv',
    failure: '/loads/contacts-failure.csv',
    unprocessed: '/loads/contacts-unprocessed.csv',
    excluded: '/loads/contacts-excluded.csv',
  },
  startedAt: '2026-01-01T09:00:00.000Z',
  endedAt: '2026-01-01T09:01:00.000Z',
  ...extra,
});

const progress = (extra: Partial<LoadProgress> = {}): LoadProgress => ({
  loadId: 'L1',
  state: 'running',
  counts: { ...counts, uploaded: 117, processed: 60, failed: 2 },
  jobs: [{ jobId: '750000000000001', state: 'InProgress', firstRow: 1, lastRow: 120, rows: 117, processed: 60, failed: 2 }],
  rowsPerSecond: 1500,
  etaMs: 65_000,
  elapsedMs: 4000,
  ...extra,
});

function setup(answers: FakeAnswers = {}): FakeBridge {
  return installFakeBridge({
    'app:info': { version: '0', platform: 'linux', mode: 'browser' },
    'orgs:list': [org],
    'orgs:active': { activeOrgId: 'org1' },
    'query:objects': [
      { name: 'Account', label: 'Account', keyPrefix: '001', custom: false, queryable: true, createable: true, updateable: true, deletable: true },
      { name: 'Contact', label: 'Contact', keyPrefix: '003', custom: false, queryable: true, createable: true, updateable: true, deletable: true },
    ],
    'load:open': fileInfo,
    'load:close': { closed: true },
    'load:object': contact,
    'load:suggest-mapping': {
      mappings: [
        { source: 'column', column: 'Last Name', field: 'LastName' },
        { source: 'column', column: 'Email', field: 'Email' },
      ],
      unmappedColumns: ['Acct', 'Notes'],
      fromSaved: false,
    },
    'load:validate': report,
    'load:capacity': { jobs: 1, apiCallsNeeded: 6, apiCallsRemaining: 14_000, bulkBatchesNeeded: 1, bulkBatchesRemaining: 15_000, fits: true },
    'load:start': { loadId: 'L1' },
    'load:get': summary(),
    'load:history': [],
    ...answers,
  });
}

function renderArea(): void {
  render(
    <AppErrorProvider>
      <ActiveOrgProvider>
        <LoadArea />
      </ActiveOrgProvider>
    </AppErrorProvider>,
  );
}

const csv = (): File => new File(['Last Name;Email\r\nLovelace;ada@example.com\r\n'], 'contacts.csv', { type: 'text/csv' });

async function dropFile(fake: FakeBridge, file = csv()): Promise<void> {
  const zone = await screen.findByTestId('load-drop-zone');
  await waitFor(() => expect(fake.calls.some((call) => call.channel === 'orgs:active')).toBe(true));
  fireEvent.drop(zone, { dataTransfer: { files: [file], types: ['Files'] } });
}

async function chooseContact(): Promise<void> {
  fireEvent.change(await screen.findByLabelText('Object'), { target: { value: 'Contact' } });
  await screen.findByRole('table', { name: 'Column mapping' });
}

async function checkFile(fake: FakeBridge): Promise<void> {
  fireEvent.click(screen.getByRole('button', { name: 'Check the whole file' }));
  await waitFor(() => expect(fake.calls.some((call) => call.channel === 'load:capacity')).toBe(true));
}

const argsOf = (fake: FakeBridge, channel: string): unknown => fake.calls.filter((call) => call.channel === channel).at(-1)?.args;

describe('LoadArea', () => {
  it('sends a dropped CSV to main and shows its encoding, delimiter, line endings, row count and first rows', async () => {
    const fake = setup();
    renderArea();
    await dropFile(fake);
    const facts = await screen.findByLabelText('About contacts.csv');
    expect(fake.files).toHaveLength(1);
    expect(argsOf(fake, 'load:open')).toEqual({ file: { kind: 'upload', uploadId: 'upload-1' }, name: 'contacts.csv' });
    expect(within(facts).getByText('120')).toBeInTheDocument();
    expect(within(facts).getByText('UTF-8 with BOM')).toBeInTheDocument();
    expect(within(facts).getByText('Semicolon')).toBeInTheDocument();
    expect(within(facts).getByText('CRLF')).toBeInTheDocument();
    const preview = screen.getByRole('region', { name: 'First 2 rows of contacts.csv' });
    expect(within(preview).getByText('grace@example')).toBeInTheDocument();
    expect(screen.getByText('Showing the first 2 of 120 rows.')).toBeInTheDocument();
  });

  it('shows how much of the file main has while it is sent', async () => {
    const fake = setup();
    let finish: () => void = () => undefined;
    fake.answerFileRef(
      (_file, onProgress) =>
        new Promise((resolve) => {
          onProgress?.(1024, 4096);
          finish = () => resolve({ ok: true, value: { kind: 'upload', uploadId: 'u' } });
        }),
    );
    renderArea();
    await dropFile(fake);
    expect(await screen.findByRole('progressbar', { name: 'Sending contacts.csv' })).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByText('1.0 KB of 4.0 KB')).toBeInTheDocument();
    act(() => finish());
    await screen.findByLabelText('About contacts.csv');
  });

  it("names the line where a file is not UTF-8 and reads it again as Windows-1252 when asked", async () => {
    const fake = setup({
      'load:open': (args) =>
        args.encoding === 'windows-1252'
          ? fileInfo
          : { error: { code: 'VALIDATION', message: 'Line 3 is not valid UTF-8 at byte 41 of the line.', hint: 'Read it as Windows-1252 or ISO-8859-1.' } },
    });
    renderArea();
    await dropFile(fake);
    expect(await screen.findByRole('alert')).toHaveTextContent('contacts.csv: Line 3 is not valid UTF-8 at byte 41 of the line.');
    fireEvent.click(screen.getByRole('button', { name: 'Read it as Windows-1252' }));
    await screen.findByLabelText('About contacts.csv');
    expect(argsOf(fake, 'load:open')).toMatchObject({ encoding: 'windows-1252' });
  });

  it('auto-maps the headers for the chosen object, lists the columns left out, and sends the mapping as edited', async () => {
    const fake = setup();
    renderArea();
    await dropFile(fake);
    await chooseContact();
    expect(argsOf(fake, 'load:suggest-mapping')).toEqual({ orgId: 'org1', fileId: 'f1', objectName: 'Contact', operation: 'insert' });
    expect(screen.getByLabelText('Field for Last Name')).toHaveValue('LastName');
    expect(screen.getByText('Left out (2)')).toBeInTheDocument();

    // Acct holds the account's external id: map it as a lookup through Account.External_Id__c.
    fireEvent.change(screen.getByLabelText('Field for Acct'), { target: { value: 'lookup:Account' } });
    fireEvent.change(screen.getByLabelText('Lookup of Acct through'), { target: { value: 'Account.External_Id__c' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a constant' }));
    fireEvent.change(screen.getByLabelText('Field of constant 1'), { target: { value: 'External_Id__c' } });
    fireEvent.change(screen.getByLabelText('Value of constant 1'), { target: { value: 'BATCH-7' } });
    expect(screen.getByText('Left out (1)')).toBeInTheDocument();

    await checkFile(fake);
    const plan = (argsOf(fake, 'load:validate') as { plan: LoadPlan }).plan;
    expect(plan).toEqual({
      objectName: 'Contact',
      operation: 'insert',
      mappings: [
        { source: 'column', column: 'Last Name', field: 'LastName' },
        { source: 'column', column: 'Email', field: 'Email' },
        { source: 'column', column: 'Acct', field: 'Account.External_Id__c' },
        { source: 'constant', field: 'External_Id__c', value: 'BATCH-7' },
      ],
      dates: { dateOrder: 'ymd', timeZone: expect.any(String) },
    });
  });

  it('makes no encoding offer for a file that is not text', async () => {
    const fake = setup({ 'load:open': { error: { code: 'VALIDATION', message: 'The file is UTF-16 text; Bulk API 2.0 reads only UTF-8.' } } });
    renderArea();
    await dropFile(fake);
    await screen.findByRole('alert');
    expect(screen.queryByRole('button', { name: /Read it as/ })).toBeNull();
  });

  it('warns when a field required on create is not mapped', async () => {
    const fake = setup();
    renderArea();
    await dropFile(fake);
    await chooseContact();
    fireEvent.change(screen.getByLabelText('Field for Last Name'), { target: { value: '' } });
    expect(screen.getByRole('alert')).toHaveTextContent('Required when creating Contact records and not mapped: LastName.');
  });

  it('asks for the upsert key and sends it with the plan', async () => {
    const fake = setup();
    renderArea();
    await dropFile(fake);
    await chooseContact();
    fireEvent.change(screen.getByLabelText('Operation'), { target: { value: 'upsert' } });
    await waitFor(() => expect(argsOf(fake, 'load:suggest-mapping')).toMatchObject({ operation: 'upsert' }));
    await waitFor(() => expect(screen.getByLabelText('Match records by')).toHaveValue('External_Id__c'));
    await checkFile(fake);
    expect((argsOf(fake, 'load:validate') as { plan: LoadPlan }).plan).toMatchObject({ operation: 'upsert', externalIdField: 'External_Id__c' });
  });

  it('shows the pre-flight issues grouped with counts, examples and hints, and loads anyway without the invalid rows', async () => {
    const fake = setup();
    renderArea();
    await dropFile(fake);
    await chooseContact();
    await checkFile(fake);
    expect(await screen.findByText('3 of 120 rows have issues; 117 are valid.', { exact: false })).toBeInTheDocument();
    const required = screen.getByRole('region', { name: 'Required field is empty' });
    expect(within(required).getByText('2')).toBeInTheDocument();
    expect(within(required).getByText(/#N\/A/)).toBeInTheDocument();
    expect(within(required).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByText(/6 API calls of 14,000 left/)).toBeInTheDocument();

    expect(screen.queryByRole('button', { name: 'Choose a folder…' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Load anyway: 117 valid rows (exclude 3 invalid)' }));
    await waitFor(() => expect(argsOf(fake, 'load:start')).toMatchObject({ orgId: 'org1', fileId: 'f1', options: { excludeInvalid: true, concurrency: 2 } }));
    expect(argsOf(fake, 'load:start')).not.toHaveProperty('options.outputFolder');
  });

  it("in Electron, sends the result folder main's dialog chose as a ref, never its path", async () => {
    const fake = setup({ 'app:info': { version: '0', platform: 'linux', mode: 'electron' }, 'load:choose-output-folder': { folder: { ref: 'd'.repeat(32), path: '/home/ada/results' } } });
    renderArea();
    await dropFile(fake);
    await chooseContact();
    await checkFile(fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Choose a folder…' }));
    expect(await screen.findByText('/home/ada/results')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: /^Load anyway/ }));
    await waitFor(() => expect(argsOf(fake, 'load:start')).toMatchObject({ options: { outputFolder: 'd'.repeat(32) } }));
    expect(JSON.stringify(argsOf(fake, 'load:start'))).not.toContain('/home/ada/results');
  });

  it('groups rows by parent record unless the switch is turned off, and then says so to main', async () => {
    const fake = setup();
    renderArea();
    await dropFile(fake);
    await chooseContact();
    await checkFile(fake);
    const grouping = await screen.findByRole('checkbox', { name: 'Group rows by parent record' });
    expect(grouping).toBeChecked();
    fireEvent.click(grouping);
    fireEvent.click(screen.getByRole('button', { name: /^Load anyway/ }));
    await waitFor(() => expect(argsOf(fake, 'load:start')).toMatchObject({ options: { excludeInvalid: true, groupByParent: false } }));
  });

  it('asks for a new check once the plan changed after the report', async () => {
    const fake = setup();
    renderArea();
    await dropFile(fake);
    await chooseContact();
    await checkFile(fake);
    await screen.findByRole('button', { name: /Load anyway/ });
    fireEvent.change(screen.getByLabelText('Jobs at once'), { target: { value: '4' } });
    expect(screen.queryByText(/The plan changed since the last check/)).toBeNull();
    fireEvent.change(screen.getByLabelText('Field for Email'), { target: { value: '' } });
    expect(screen.getByText(/The plan changed since the last check/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Load anyway/ })).toBeNull();
  });

  it('refuses to start a load that does not fit in what the org has left, with the numbers', async () => {
    const fake = setup({
      'load:capacity': { jobs: 3, apiCallsNeeded: 40, apiCallsRemaining: 12, bulkBatchesNeeded: 3, bulkBatchesRemaining: 1, fits: false },
    });
    renderArea();
    await dropFile(fake);
    await chooseContact();
    await checkFile(fake);
    expect(await screen.findByText(/40 API calls of 12 left · 3 Bulk batches of 1 left/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Load anyway/ })).toBeDisabled();
  });

  it('follows progress live, then shows result files whose counts add up, and retries the failed rows', async () => {
    const retryFile: LoadFileInfo = { ...fileInfo, fileId: 'f2', name: 'contacts-failure.csv', rowCount: 5 };
    const fake = setup({
      'load:history': [],
      'load:retry-failed': { file: retryFile, plan: { objectName: 'Contact', operation: 'insert', mappings: [{ source: 'column', column: 'Email', field: 'Email' }], dates: { dateOrder: 'dmy', timeZone: 'UTC' } } },
    });
    renderArea();
    await dropFile(fake);
    await chooseContact();
    await checkFile(fake);
    fireEvent.click(await screen.findByRole('button', { name: /Load anyway/ }));
    await waitFor(() => expect(fake.calls.some((call) => call.channel === 'load:start')).toBe(true));

    act(() => fake.emit('load:progress', progress()));
    const stats = await screen.findByLabelText('Load progress');
    expect(within(stats).getByText('117 / 117')).toBeInTheDocument();
    expect(within(stats).getByText('1,500 rows/s')).toBeInTheDocument();
    expect(within(stats).getByText('1 min 05 s')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Rows processed' })).toHaveAttribute('aria-valuenow', '51');
    act(() => fake.emit('load:progress', progress({ elapsedMs: 5000, counts: { ...counts, uploaded: 117, processed: 100, failed: 4 } })));
    expect(screen.getByTestId('chart')).toHaveTextContent('3 samples');

    act(() => fake.emit('load:progress', progress({ state: 'done', elapsedMs: 6000 })));
    const files = await screen.findByRole('table', { name: 'Result files' });
    expect(within(files).getByText('/loads/contacts-failure.csv')).toBeInTheDocument();
    expect(within(files).getByText('✓ 112 + 5 + 0 + 3 = 120: every row is in exactly one file')).toBeInTheDocument();
    await waitFor(() => expect(fake.calls.filter((call) => call.channel === 'load:history').length).toBeGreaterThan(1));
    expect(screen.getByRole('button', { name: /Load anyway/ })).toBeDisabled();
    expect(screen.getByText(/This file was loaded: its results are below/)).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Retry 5 failed rows' }));
    await screen.findByLabelText('About contacts-failure.csv');
    expect(argsOf(fake, 'load:retry-failed')).toEqual({ loadId: 'L1' });
    expect(screen.queryByRole('table', { name: 'Result files' })).toBeNull();
    await waitFor(() => expect(screen.getByLabelText('Dates are written')).toHaveValue('dmy'));
  });

  it('keeps the progress main pushed before load:start answered', async () => {
    let fake: FakeBridge | null = null;
    fake = setup({
      'load:start': () => {
        fake?.emit('load:progress', progress({ counts: { ...counts, uploaded: 117, processed: 42, failed: 0 } }));
        return { loadId: 'L1' };
      },
    });
    renderArea();
    await dropFile(fake);
    await chooseContact();
    await checkFile(fake);
    fireEvent.click(await screen.findByRole('button', { name: /Load anyway/ }));
    expect(await screen.findByLabelText('Load progress')).toHaveTextContent('Processed42');
  });

  it('cancels a running load and says what was already committed', async () => {
    const fake = setup({
      'load:cancel': summary({ state: 'cancelled', counts: { input: 120, excluded: 3, uploaded: 117, processed: 50, success: 50, failed: 0, unprocessed: 67 } }),
    });
    renderArea();
    await dropFile(fake);
    await chooseContact();
    await checkFile(fake);
    fireEvent.click(await screen.findByRole('button', { name: /Load anyway/ }));
    act(() => fake.emit('load:progress', progress({ loadId: 'L1' })));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel load' }));
    expect(await screen.findByText('Cancelled: 50 rows were already committed in the org; 67 were not processed.')).toBeInTheDocument();
    expect(argsOf(fake, 'load:cancel')).toEqual({ loadId: 'L1' });
  });

  it('shows the wait while the org is busy, and drops it once the load goes on', async () => {
    const fake = setup();
    renderArea();
    await dropFile(fake);
    await chooseContact();
    await checkFile(fake);
    fireEvent.click(await screen.findByRole('button', { name: /Load anyway/ }));
    const until = new Date(Date.now() + 8000).toISOString();
    act(() => fake.emit('load:progress', progress({ busy: { limit: 'ConcurrentPerOrgLongTxn', retry: 2, of: 6, delayMs: 8000, until } })));
    expect(await screen.findByRole('status', { name: 'The org is busy' })).toHaveTextContent(/^The org is busy \(ConcurrentPerOrgLongTxn\): trying again in \d+ s, 2 of 6\.$/);
    act(() => fake.emit('load:progress', progress()));
    await waitFor(() => expect(screen.queryByText(/The org is busy/)).not.toBeInTheDocument());
  });

  it('lists past loads, opens one to show its files, and resumes an interrupted one', async () => {
    const fake = setup({
      'load:history': [summary({ loadId: 'L9', state: 'interrupted', fileName: 'big.csv' }), summary({ loadId: 'L8', fileName: 'old.csv' })],
      'load:resume': { loadId: 'L9' },
    });
    renderArea();
    const history = await screen.findByRole('list', { name: 'Load history' });
    fireEvent.click(within(history).getByRole('button', { name: 'old.csv, Done' }));
    expect(await screen.findByRole('table', { name: 'Result files' })).toBeInTheDocument();

    fireEvent.click(within(history).getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(argsOf(fake, 'load:resume')).toEqual({ loadId: 'L9' }));
    act(() => fake.emit('load:progress', progress({ loadId: 'L9' })));
    expect(await screen.findByRole('button', { name: 'Cancel load' })).toBeInTheDocument();
  });

  it('closes the file it replaces, so main can remove the upload', async () => {
    const fake = setup({ 'load:open': (args) => ({ ...fileInfo, fileId: args.name === 'second.csv' ? 'f2' : 'f1', name: args.name ?? 'x' }) });
    renderArea();
    await dropFile(fake);
    await screen.findByLabelText('About contacts.csv');
    await dropFile(fake, new File(['a'], 'second.csv'));
    await screen.findByLabelText('About second.csv');
    expect(argsOf(fake, 'load:close')).toEqual({ fileId: 'f1' });
  });
});
