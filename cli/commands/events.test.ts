import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProfile, LOCAL_ADMIN, startCliOrg, type CliOrg } from '../test/cli-org';
import { noKeychainEnv, runOrgdesk, startOrgdesk, type OrgdeskRun } from '../test/run-orgdesk';

const V = '/services/data/v66.0';
const CONTACTS = '/data/ContactChangeEvent';

type EventLine = { channel: string; replayId: number; receivedAt: string; data: { payload: { ChangeEventHeader: { changeType: string; recordIds: string[] }; Name?: { LastName?: string } } } };

let org: CliOrg;
let token: string;

beforeAll(async () => {
  // A held /meta/connect answers after 1 s when nothing happens, so Ctrl+C's unsubscribe and disconnect are quick.
  org = await startCliOrg({ streaming: { connectTimeoutMs: 1000 } });
  addProfile(org, 'Local org');
  token = org.emulator.admin.createSession(LOCAL_ADMIN).access_token;
});
afterAll(async () => {
  await org.stop();
});

/** Creates a contact through the org's REST API (so the org publishes its change event) and answers its id. */
async function createContact(lastName: string): Promise<string> {
  const response = await fetch(`${org.emulator.url}${V}/sobjects/Contact`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ LastName: lastName }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** A running `orgdesk events`, what it printed so far, and its end. */
function listen(args: readonly string[]): { stderr(): string; waitFor(pattern: RegExp): Promise<void>; waitForOutput(pattern: RegExp): Promise<void>; interrupt(): Promise<OrgdeskRun> } {
  const child = startOrgdesk(['events', ...args, '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const until = async (pattern: RegExp, text: () => string): Promise<void> => {
    const deadline = Date.now() + 20_000;
    while (!pattern.test(text())) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`orgdesk events never printed ${pattern}; it printed:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const ended = new Promise<OrgdeskRun>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    stderr: () => stderr,
    waitFor: (pattern) => until(pattern, () => stderr),
    waitForOutput: (pattern) => until(pattern, () => stdout),
    async interrupt() {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const run = await ended;
      clearTimeout(timer);
      return run;
    },
  };
}

const linesOf = (path: string): EventLine[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as EventLine);

async function untilFileHas(path: string, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!existsSync(path) || linesOf(path).length < count) {
    if (Date.now() > deadline) throw new Error(`${path} never held ${count} events`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('orgdesk events against the local org', () => {
  it('writes a change made while it listens to the NDJSON file with its replay id, then resumes after it on the next run', async () => {
    const out = join(org.folder, 'contacts.ndjson');
    const first = listen([CONTACTS, '--out', out]);
    await first.waitFor(/Subscribed to \/data\/ContactChangeEvent on Local org/);
    expect(first.stderr()).toMatch(/no stored replay id yet, replay -1/);
    const lovelace = await createContact('Lovelace');
    await untilFileHas(out, 1);
    const run = await first.interrupt();
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const [event] = linesOf(out);
    expect(linesOf(out)).toHaveLength(1);
    expect(event).toMatchObject({ channel: CONTACTS, data: { payload: { ChangeEventHeader: { changeType: 'CREATE', recordIds: [lovelace] }, Name: { LastName: 'Lovelace' } } } });
    expect(event?.replayId).toEqual(expect.any(Number));
    expect(run.stderr).toMatch(new RegExp(`1 event from /data/ContactChangeEvent written to .*contacts\\.ndjson; the next run resumes after replay id ${event?.replayId}\\.`));

    // Made while nobody listens: the second run starts from the stored replay id, so it gets this one and not Lovelace again.
    const hopper = await createContact('Hopper');
    const second = listen([CONTACTS, '--out', out]);
    await second.waitFor(new RegExp(`resuming after stored replay id ${event?.replayId}`));
    await untilFileHas(out, 2);
    const resumed = await second.interrupt();
    expect(resumed.code).toBe(0);
    const lines = linesOf(out);
    expect(lines.map((l) => l.data.payload.ChangeEventHeader.recordIds[0])).toEqual([lovelace, hopper]);
    expect(lines[1]?.replayId).toBeGreaterThan(event?.replayId ?? Infinity);
  });

  it('replays every retained event with --replay -2, to stdout', async () => {
    const turing = await createContact('Turing');
    const listener = listen([CONTACTS, '--replay', '-2']);
    await listener.waitFor(/from every retained event \(replay -2\)/);
    await listener.waitForOutput(/"LastName":"Turing"/);
    const run = await listener.interrupt();
    expect(run.code).toBe(0);
    const lines = run.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as EventLine);
    const lastNames = lines.map((l) => l.data.payload.Name?.LastName);
    expect(lastNames).toEqual(expect.arrayContaining(['Lovelace', 'Hopper', 'Turing']));
    expect(lines.find((l) => l.data.payload.Name?.LastName === 'Turing')?.data.payload.ChangeEventHeader.recordIds).toEqual([turing]);
    const ids = lines.map((l) => l.replayId);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('flags a gap event on stderr and says so when it reconnects after the org forgot it, losing and repeating nothing', async () => {
    const listener = listen([CONTACTS, '--api', 'cometd', '--replay', '-1']);
    await listener.waitFor(/Subscribed to \/data\/ContactChangeEvent/);
    const noether = await createContact('Noether');
    await listener.waitForOutput(/"LastName":"Noether"/);
    org.emulator.admin.streaming.emitGap('GAP_UPDATE', [noether], 'Contact');
    await listener.waitFor(/GAP_UPDATE at replay id \d+ \(003\w+\)/);
    for (const client of org.emulator.admin.streaming.clients()) org.emulator.admin.streaming.dropClient(client.clientId);
    await listener.waitFor(/Reconnecting to \/data\/ContactChangeEvent/);
    await listener.waitFor(/Subscribed again to \/data\/ContactChangeEvent after 1 reconnect/);
    await createContact('Meitner');
    await listener.waitForOutput(/"LastName":"Meitner"/);
    const run = await listener.interrupt();
    expect(run.code).toBe(0);
    const lines = run.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as EventLine);
    expect(lines.map((l) => l.data.payload.ChangeEventHeader.changeType)).toEqual(['CREATE', 'GAP_UPDATE', 'CREATE']);
    expect(new Set(lines.map((l) => l.replayId)).size).toBe(3);
  });

  it('refuses a replay id the org does not keep with the engine’s message, the -1/-2 choice and exit 2', async () => {
    const run = await runOrgdesk(['events', CONTACTS, '--api', 'cometd', '--replay', '987654321', '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
    expect(run.stderr).toMatch(/The org refused the replay id for \/data\/ContactChangeEvent/);
    expect(run.stderr).toMatch(/--replay -1 .*--replay -2/);
    expect(run.code).toBe(2);
  });

  it('names a channel the org does not have (exit 8) and an --out folder that does not exist (exit 9)', async () => {
    const unknown = await runOrgdesk(['events', '/data/NoSuchThingChangeEvent', '--api', 'cometd', '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
    expect(unknown.stderr).toMatch(/The org has no channel \/data\/NoSuchThingChangeEvent/);
    expect(unknown.stderr).toMatch(/channels are case-sensitive/);
    expect(unknown.code).toBe(8);
    const out = join(org.folder, 'missing-folder', 'events.ndjson');
    const unwritable = await runOrgdesk(['events', CONTACTS, '--out', out, '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
    expect(unwritable.stderr).toContain(`OrgDesk could not open ${out} for the events.`);
    expect(unwritable.code).toBe(9);
  });

  it('documents the replay choice, the NDJSON lines and the resume in --help', async () => {
    const run = await runOrgdesk(['events', '--help'], { env: noKeychainEnv(org.userDataDir) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--replay <from>/);
    expect(run.stdout).toMatch(/resumes after the last event it wrote out/);
    expect(run.stdout).toMatch(/NDJSON/);
  });
});
