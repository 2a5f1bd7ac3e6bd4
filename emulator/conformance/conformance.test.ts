/**
 * Conformance: replays every in-scope request of the recorded Salesforce responses (WireMock mappings in
 * `../shared/recorded-responses`, or `$ORGDESK_RECORDINGS`) against the seeded emulator and compares status, key sets,
 * value types and formats, error codes and the headers that matter. Every difference is printed; a difference that is
 * not accepted in `plans.ts` (with its reason) fails the recording's test.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';
import { compareBodies, compareHeaders, type Difference } from './compare';
import { planFor, type ReplayPlan } from './plans';
import { parseRecordedBody, readRecordings, type Recording } from './recordings';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dir = process.env.ORGDESK_RECORDINGS ?? resolve(repoRoot, '../shared/recorded-responses');
const recordings = readRecordings(dir);

let org: TestOrg;
const report: string[] = [];

async function replay(recording: Recording, plan: ReplayPlan): Promise<Difference[]> {
  const request = plan.adapt ? await plan.adapt(recording.request, { org }) : recording.request;
  const search = request.query.toString();
  const headers: Record<string, string> = {};
  // A recorded bad token (or a recorded 401) is replayed as a bad token; otherwise the admin's session is used.
  const badToken = recording.response.status === 401 ? (request.authorization ?? 'Bearer invalid-token') : undefined;
  headers.Authorization = badToken ?? `Bearer ${org.token}`;
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  const answer = await org.call(`${request.path}${search === '' ? '' : `?${search}`}`, { method: request.method, headers, ...(request.body === undefined ? {} : { body: request.body }) });
  const diffs: Difference[] = [];
  if (answer.status !== recording.response.status) diffs.push({ where: 'status', recorded: String(recording.response.status), emulator: String(answer.status) });
  diffs.push(...compareHeaders(recording.response.headers, answer.headers));
  const recordedText = recording.response.body;
  const recordedCsv = (recording.response.headers['content-type'] ?? '').includes('csv') || /^[\w"]+(,[\w"]+)*\n/.test(recordedText);
  if (recordedText.trim() === '') {
    if (answer.text !== '' && recording.response.status === 204) diffs.push({ where: 'body', recorded: '(empty)', emulator: answer.text.slice(0, 80) });
    if (answer.text !== '' && recording.response.status !== 204) diffs.push({ where: 'body', recorded: '(empty)', emulator: answer.text.slice(0, 80) });
  } else if (recordedCsv && parseRecordedBody(recordedText) === undefined) {
    const recordedHeader = recordedText.split('\n')[0]?.replace(/"/g, '');
    const emulatorHeader = answer.text.split(/\r?\n/)[0]?.replace(/"/g, '');
    if (recordedHeader !== emulatorHeader) diffs.push({ where: 'csv header', recorded: String(recordedHeader), emulator: String(emulatorHeader) });
  } else {
    const recorded = parseRecordedBody(recordedText);
    if (recorded === undefined) diffs.push({ where: 'body', recorded: `unparseable: ${recordedText.slice(0, 40)}`, emulator: answer.text.slice(0, 40) });
    else diffs.push(...compareBodies(recorded, answer.body, plan.compare ?? {}));
  }
  return diffs;
}

describe.skipIf(recordings.length === 0)(`conformance with the recordings in ${dir}`, () => {
  beforeAll(async () => {
    org = await startTestOrg({ seed: 1, seedSize: { accounts: 300, contacts: 3000, opportunities: 100, cases: 50, leads: 50, invoices: 100 } });
  });
  afterAll(async () => {
    await org.emulator.stop();
    process.stdout.write(`\nConformance report (${recordings.length} recordings from ${dir}):\n${report.join('\n')}\n`);
  });

  for (const recording of recordings) {
    const plan = planFor(recording.file, recording.request);
    if ('skip' in plan) {
      it.skip(`${recording.file} (skipped: ${plan.skip})`, () => undefined);
      report.push(`  SKIP ${recording.file}: ${plan.skip}`);
      continue;
    }
    it(`answers ${recording.request.method} ${recording.file} like the recording`, async () => {
      const diffs = await replay(recording, plan);
      const accepted = diffs.filter((d) => plan.accept?.some((a) => a.where.test(d.where)));
      const unexpected = diffs.filter((d) => !accepted.includes(d));
      const line = unexpected.length === 0 ? `  OK   ${recording.file}` : `  DIFF ${recording.file}`;
      report.push(line + (plan.note ? ` (${plan.note})` : ''));
      for (const d of diffs) report.push(`       ${accepted.includes(d) ? 'accepted' : 'DIFF'} ${d.where}: recorded ${d.recorded} | emulator ${d.emulator}${accepted.includes(d) ? ` — ${plan.accept?.find((a) => a.where.test(d.where))?.reason ?? ''}` : ''}`);
      expect(unexpected).toEqual([]);
    });
  }
});

it('reads every WireMock mapping of the recordings folder, so the conformance suite above cannot go quiet', () => {
  if (!existsSync(dir)) {
    // No recordings on this machine: the suite above is skipped and says so. A folder named on purpose must exist, though.
    process.stdout.write(`No recordings in ${dir}: set ORGDESK_RECORDINGS to run the conformance suite.\n`);
    expect(process.env.ORGDESK_RECORDINGS, `ORGDESK_RECORDINGS names ${dir}, which does not exist`).toBeUndefined();
    return;
  }
  const mappings = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort();
  expect(mappings.length, `no WireMock mappings in ${dir}`).toBeGreaterThan(0);
  expect(recordings.map((recording) => recording.file)).toEqual(mappings);
});
