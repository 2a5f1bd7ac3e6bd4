import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { QueryProgress } from '../../shared/ipc/domains/query';
import type { Result } from '../../shared/ipc/result';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { createMemorySecretStore } from '../../core/secrets';
import { TOKEN_HEADER, TOKEN_PROTOCOL_PREFIX } from './request-guard';
import { CONNECTION_HEADER, startWebServer, type WebServer } from './web-server';

let dir: string;
let server: WebServer;
let emulator: RunningEmulator | null = null;
const progress: QueryProgress[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orgdesk-web-senders-'));
  server = await startWebServer({
    userDataDir: dir,
    rendererDir: join(dir, 'renderer'),
    senderGraceMs: 50,
    appOptions: {
      secrets: createMemorySecretStore(),
      demoOnLaunch: false,
      startLocalOrg: async ({ host, dataDir }) => {
        emulator = await startEmulator({ port: 0, host, dataDir });
        return emulator;
      },
    },
  });
  server.context.subscribe((event) => {
    if (event.channel === 'query:progress') progress.push(event.payload);
  });
});

afterAll(async () => {
  emulator?.admin.addFault({ kind: 'bulk-release-stall' });
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A call naming a tab's event connection (null: a script's call with the token and no connection). */
async function invoke<T>(tab: Tab | string | null, channel: string, args: unknown): Promise<Result<T>> {
  const connection = typeof tab === 'string' ? tab : tab?.connection;
  const response = await fetch(`${server.origin}/api/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token, ...(connection === undefined ? {} : { [CONNECTION_HEADER]: connection }) },
    body: JSON.stringify({ channel, args }),
  });
  return (await response.json()) as Result<T>;
}

async function value<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** A tab: its event socket and the connection id main named it with (the socket's first message). */
type Tab = { ws: WebSocket; connection: string };

function openEvents(resume?: string): Promise<Tab> {
  return new Promise((resolve, reject) => {
    const query = resume === undefined ? '' : `?resume=${resume}`;
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events${query}`, ['orgdesk-events', `${TOKEN_PROTOCOL_PREFIX}${server.token}`], {
      headers: { origin: server.origin },
    });
    ws.once('message', (data: Buffer) => resolve({ ws, connection: (JSON.parse(data.toString('utf8')) as { connection: string }).connection }));
    ws.once('error', reject);
  });
}

/** Starts a Bulk query that the local org holds in UploadComplete, and waits until main has polled its job twice. */
async function startStalledRun(tab: Tab, orgId: string): Promise<string> {
  emulator?.admin.addFault({ kind: 'bulk-stall-query' });
  const { runId } = await value(invoke<{ runId: string }>(tab, 'query:run', { orgId, soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'bulk' }));
  await vi.waitFor(() => expect(progress.filter((p) => p.runId === runId && p.source === 'bulk' && p.state === 'running').length).toBeGreaterThanOrEqual(2), {
    timeout: 10_000,
  });
  return runId;
}

const rowsOf = (tab: Tab | string | null, runId: string): Promise<Result<unknown>> => invoke(tab, 'query:rows', { runId, offset: 0, limit: 5, sort: [], filter: '' });

describe('browser mode releases what a tab started once its event socket is gone for good', () => {
  it("cancels and drops a closed tab's running query after the grace period, and leaves other tabs' runs alone", { timeout: 30_000 }, async () => {
    const demo = await value(invoke<{ state: string; profileId: string | null }>(null, 'orgs:demo-start', {}));
    expect(demo.state).toBe('ready');
    const orgId = demo.profileId ?? '';
    const closing = await openEvents();
    const staying = await openEvents();
    expect(closing.connection).toMatch(/^[0-9a-f]{32}$/);
    expect(closing.connection).not.toBe(staying.connection);

    const closingRun = await startStalledRun(closing, orgId);
    const stayingRun = await startStalledRun(staying, orgId);
    closing.ws.close();

    await vi.waitFor(() => expect(progress.find((p) => p.runId === closingRun && p.state !== 'running')?.state).toBe('cancelled'), { timeout: 10_000 });
    // The connection is gone for good: a call naming it is refused, and a socket resuming it gets a fresh one.
    await vi.waitFor(async () => expect(await rowsOf(closing, closingRun)).toMatchObject({ ok: false, error: { code: 'AUTH' } }), { timeout: 10_000 });
    const reopened = await openEvents(closing.connection);
    expect(reopened.connection).not.toBe(closing.connection);
    expect(await rowsOf(reopened, closingRun)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    reopened.ws.close();
    expect(progress.some((p) => p.runId === stayingRun && p.state !== 'running')).toBe(false);
    expect(await rowsOf(staying, stayingRun)).toMatchObject({ ok: true });

    await value(invoke(staying, 'query:cancel', { runId: stayingRun }));
    emulator?.admin.addFault({ kind: 'bulk-release-stall' });
    staying.ws.close();
  });
});

describe('a query run answers only the tab that started it', () => {
  it("refuses another tab's query:rows, query:children and query:export as if the run did not exist, and ignores its query:cancel", { timeout: 30_000 }, async () => {
    const demo = await value(invoke<{ state: string; profileId: string | null }>(null, 'orgs:demo-start', {}));
    const orgId = demo.profileId ?? '';
    const owner = await openEvents();
    const other = await openEvents();
    const runId = await startStalledRun(owner, orgId);

    const notFound = { ok: false, error: { code: 'NOT_FOUND', message: 'This query result is no longer in memory.' } };
    expect(await rowsOf(other, runId)).toMatchObject(notFound);
    expect(await invoke(other, 'query:children', { runId, rowIndex: 0, sort: [], filter: '', column: 'Id' })).toMatchObject(notFound);
    expect(await invoke(other, 'query:export', { runId, format: 'csv' })).toMatchObject(notFound);
    expect(await value(invoke(other, 'query:cancel', { runId }))).toEqual({ cancelled: false });
    // A script's call (token, no connection) owns nothing of a tab's either.
    expect(await rowsOf(null, runId)).toMatchObject(notFound);
    expect(await rowsOf(owner, runId)).toMatchObject({ ok: true });
    expect(progress.some((p) => p.runId === runId && p.state !== 'running')).toBe(false);

    expect(await value(invoke(owner, 'query:cancel', { runId }))).toEqual({ cancelled: true });
    emulator?.admin.addFault({ kind: 'bulk-release-stall' });
    await vi.waitFor(() => expect(progress.find((p) => p.runId === runId && p.state !== 'running')?.state).toBe('cancelled'), { timeout: 10_000 });
    owner.ws.close();
    other.ws.close();
  });

  it('refuses a call naming a connection main never made (a sender the page made up), before any handler runs', async () => {
    for (const madeUp of ['tab-1', 'owner-tab', 'f'.repeat(32)]) {
      expect(await invoke(madeUp, 'app:info', {})).toMatchObject({ ok: false, error: { code: 'AUTH', message: "This tab's connection to OrgDesk is gone." } });
    }
  });
});
