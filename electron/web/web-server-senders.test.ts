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
import { CLIENT_HEADER, startWebServer, type WebServer } from './web-server';

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

async function invoke<T>(tab: string, channel: string, args: unknown): Promise<Result<T>> {
  const response = await fetch(`${server.origin}/api/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token, [CLIENT_HEADER]: tab },
    body: JSON.stringify({ channel, args }),
  });
  return (await response.json()) as Result<T>;
}

async function value<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

function openEvents(tab: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?client=${tab}`, ['orgdesk-events', `${TOKEN_PROTOCOL_PREFIX}${server.token}`], {
      headers: { origin: server.origin },
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Starts a Bulk query that the local org holds in UploadComplete, and waits until main has polled its job twice. */
async function startStalledRun(tab: string, orgId: string): Promise<string> {
  emulator?.admin.addFault({ kind: 'bulk-stall-query' });
  const { runId } = await value(invoke<{ runId: string }>(tab, 'query:run', { orgId, soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'bulk' }));
  await vi.waitFor(() => expect(progress.filter((p) => p.runId === runId && p.source === 'bulk' && p.state === 'running').length).toBeGreaterThanOrEqual(2), {
    timeout: 10_000,
  });
  return runId;
}

const rowsOf = (tab: string, runId: string): Promise<Result<unknown>> => invoke(tab, 'query:rows', { runId, offset: 0, limit: 5, sort: [], filter: '' });

describe('browser mode releases what a tab started once its event socket is gone for good', () => {
  it("cancels and drops a closed tab's running query after the grace period, and leaves other tabs' runs alone", { timeout: 30_000 }, async () => {
    const demo = await value(invoke<{ state: string; profileId: string | null }>('tab-1', 'orgs:demo-start', {}));
    expect(demo.state).toBe('ready');
    const orgId = demo.profileId ?? '';
    const closing = await openEvents('tab-1');
    const staying = await openEvents('tab-2');

    const closingRun = await startStalledRun('tab-1', orgId);
    const stayingRun = await startStalledRun('tab-2', orgId);
    closing.close();

    await vi.waitFor(() => expect(progress.find((p) => p.runId === closingRun && p.state !== 'running')?.state).toBe('cancelled'), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await rowsOf('tab-1', closingRun)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } }), { timeout: 10_000 });
    expect(progress.some((p) => p.runId === stayingRun && p.state !== 'running')).toBe(false);
    expect(await rowsOf('tab-2', stayingRun)).toMatchObject({ ok: true });

    await value(invoke('tab-2', 'query:cancel', { runId: stayingRun }));
    emulator?.admin.addFault({ kind: 'bulk-release-stall' });
    staying.close();
  });
});

describe('a query run answers only the tab that started it', () => {
  it("refuses another tab's query:rows, query:children and query:export as if the run did not exist, and ignores its query:cancel", { timeout: 30_000 }, async () => {
    const demo = await value(invoke<{ state: string; profileId: string | null }>('owner-tab', 'orgs:demo-start', {}));
    const orgId = demo.profileId ?? '';
    const ownerEvents = await openEvents('owner-tab');
    const runId = await startStalledRun('owner-tab', orgId);

    const notFound = { ok: false, error: { code: 'NOT_FOUND', message: 'This query result is no longer in memory.' } };
    expect(await rowsOf('other-tab', runId)).toMatchObject(notFound);
    expect(await invoke('other-tab', 'query:children', { runId, rowIndex: 0, sort: [], filter: '', column: 'Id' })).toMatchObject(notFound);
    expect(await invoke('other-tab', 'query:export', { runId, format: 'csv' })).toMatchObject(notFound);
    expect(await value(invoke('other-tab', 'query:cancel', { runId }))).toEqual({ cancelled: false });
    expect(await rowsOf('owner-tab', runId)).toMatchObject({ ok: true });
    expect(progress.some((p) => p.runId === runId && p.state !== 'running')).toBe(false);

    expect(await value(invoke('owner-tab', 'query:cancel', { runId }))).toEqual({ cancelled: true });
    emulator?.admin.addFault({ kind: 'bulk-release-stall' });
    await vi.waitFor(() => expect(progress.find((p) => p.runId === runId && p.state !== 'running')?.state).toBe('cancelled'), { timeout: 10_000 });
    ownerEvents.close();
  });
});
