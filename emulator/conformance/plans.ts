/**
 * Which recordings the conformance suite replays, and how each is fitted onto the seeded org: the recordings come from
 * other orgs (objects such as Movie__c, record ids, job ids), so a plan maps them onto the emulator's schema and data,
 * and says why. Recordings that are synthetic or outside issue 3's scope are skipped with the reason.
 */
import type { TestOrg } from '../testing';
import type { CompareOptions } from './compare';
import type { RecordedRequest } from './recordings';

/** What a plan can use: the test org and a call helper. */
type ReplayEnv = { org: TestOrg };

/** A difference accepted on purpose, with the reason. */
type AcceptedDifference = { where: RegExp; reason: string };

/** How one recording is replayed. */
export type ReplayPlan = {
  /** Why the request was changed, if it was. */
  note?: string;
  /** Builds the request to send (default: the recorded one, with our session). */
  adapt?: (request: RecordedRequest, env: ReplayEnv) => Promise<RecordedRequest> | RecordedRequest;
  compare?: CompareOptions;
  accept?: AcceptedDifference[];
};

/** A recording left out, with the reason. */
export type SkipPlan = { skip: string };

const V56 = '/services/data/v56.0';

function withBody(request: RecordedRequest, body: unknown, path = request.path): RecordedRequest {
  return { ...request, path, body: JSON.stringify(body) };
}

async function createRecord(env: ReplayEnv, objectName: string, values: Record<string, unknown>): Promise<string> {
  const answer = await env.org.call(`/services/data/v60.0/sobjects/${objectName}`, { method: 'POST', json: values });
  if (answer.status !== 201) throw new Error(`Setup failed: creating ${objectName} answered ${answer.status} ${answer.text}`);
  return (answer.body as { id: string }).id;
}

async function ingestJob(env: ReplayEnv, csv: string, close = true): Promise<string> {
  const created = await env.org.call(`${V56}/jobs/ingest`, { method: 'POST', json: { object: 'Account', operation: 'insert', lineEnding: 'LF' } });
  if (created.status !== 200) throw new Error(`Setup failed: creating an ingest job answered ${created.status} ${created.text}`);
  const id = (created.body as { id: string }).id;
  const upload = await env.org.call(`${V56}/jobs/ingest/${id}/batches`, { method: 'PUT', body: csv, headers: { 'Content-Type': 'text/csv' } });
  if (upload.status !== 201) throw new Error(`Setup failed: uploading answered ${upload.status} ${upload.text}`);
  if (close) {
    await env.org.call(`${V56}/jobs/ingest/${id}`, { method: 'PATCH', json: { state: 'UploadComplete' } });
    await env.org.emulator.bulk.idle();
  }
  return id;
}

const GOOD_ROWS = 'Name,Description,NumberOfEmployees\nTestAccount1,Description of TestAccount1,30\nTestAccount2,Another description,40\nTestAccount3,Yet another description,50\n';
const ONE_BAD_ROW = 'Name,Description,NumberOfEmployees\n,Description of TestAccount1,30\nTestAccount2,Another description,40\n';

async function queryJob(env: ReplayEnv, operation = 'query'): Promise<string> {
  const created = await env.org.call(`${V56}/jobs/query`, { method: 'POST', json: { operation, query: 'SELECT Id FROM Account' } });
  if (created.status !== 200) throw new Error(`Setup failed: creating a query job answered ${created.status} ${created.text}`);
  const id = (created.body as { id: string }).id;
  await env.org.emulator.bulk.idle();
  return id;
}

const REAL_JOB_INGEST = '7508Z00000lSXvxQAG';
const REAL_JOB_QUERY = '7508Z00000lTqQCQA0';
const TRIMMED = { where: /^body$/, reason: 'the recording kept no body for this call (trimmed mapping); the emulator answers with the documented body' };

/** The plan of every recording, by file name; a recording without an entry is replayed as recorded. */
const PLANS: Record<string, ReplayPlan | SkipPlan> = {
  'binary-data.json': { skip: 'ContentVersion and base64 blobs are not in the emulator schema (issue 3 lists the objects)' },
  'create-binary-field.json': { skip: 'ContentVersion and base64 fields are not in the emulator schema' },
  'query-binary-field.json': { skip: 'ContentVersion and base64 fields are not in the emulator schema' },
  'update-binary-field.json': { skip: 'ContentVersion and base64 fields are not in the emulator schema' },
  'update-binary-type.json': { skip: 'ContentVersion and base64 fields are not in the emulator schema' },
  'composite-graph-create-account-contact-opportunity.json': { skip: 'Composite Graph is not part of issue 3' },
  'composite-graph-create-tree.json': { skip: 'Composite Graph is not part of issue 3' },
  'composite-graph-create.json': { skip: 'Composite Graph is not part of issue 3' },
  'composite-graph-multiple-errors.json': { skip: 'Composite Graph is not part of issue 3' },
  'composite-graph-single-create-error.json': { skip: 'Composite Graph is not part of issue 3' },
  'composite-graph-single-delete.json': { skip: 'Composite Graph is not part of issue 3' },
  'composite-graph-single-update.json': { skip: 'Composite Graph is not part of issue 3' },
  'query-unexpected-response.json': { skip: 'synthetic: an HTML page from a non-Salesforce host, to test client error handling' },
  'query-unparseable-body.json': { skip: 'synthetic: an HTML page from a non-Salesforce host, to test client error handling' },
  'query-resource-not-found.json': { skip: 'synthetic: a 200 carrying a NOT_FOUND array; a real org answers INVALID_TYPE 400 for an unknown object' },

  'create.json': {
    note: 'Movie__c is mapped onto Invoice__c (Rating__c → Status__c; Name is an auto-number there)',
    adapt: (r) => withBody(r, { Status__c: 'Sent' }, r.path.replace('Movie__c', 'Invoice__c')),
  },
  'create-invalid-field.json': {
    note: 'the mapping posts to "Akcount" but its recorded answer is about Account: replayed on Account',
    adapt: (r) => ({ ...r, path: r.path.replace('Akcount', 'Account') }),
    compare: { exactKeys: ['message'] },
  },
  'create-invalid-picklist-value.json': {
    note: 'Movie__c.Rating__c is mapped onto Invoice__c.Status__c, also a restricted picklist',
    adapt: (r) => withBody(r, { Status__c: 'Terrible' }, r.path.replace('Movie__c', 'Invoice__c')),
  },
  'create-required-field-missing.json': {
    note: 'Spaceship__c.Website__c is mapped onto Contact.LastName, also required',
    adapt: (r) => withBody(r, { FirstName: 'Falcon 9' }, r.path.replace('Spaceship__c', 'Contact')),
  },
  'data-api-create-invalid-token-session-error.json': {
    note: 'the mapping matches any token; it records the answer to an invalid one, so an invalid token is sent',
    adapt: (r) => ({ ...r, authorization: 'Bearer invalid-token' }),
    accept: [{ where: /^\$$/, reason: 'synthetic body written as a Python dict object; the real 401 (create-invalid-token.json) is an array, which the emulator sends' }],
  },
  'delete.json': {
    note: 'deletes an Account created for the purpose',
    adapt: async (r, env) => ({ ...r, path: r.path.replace('001B000001Lp1FxIAJ', await createRecord(env, 'Account', { Name: 'To delete' })) }),
  },
  'delete-already-deleted.json': {
    note: 'deletes an Account created and deleted for the purpose',
    adapt: async (r, env) => {
      const id = await createRecord(env, 'Account', { Name: 'Deleted twice' });
      await env.org.call(`/services/data/v60.0/sobjects/Account/${id}`, { method: 'DELETE' });
      return { ...r, path: r.path.replace('001B000001Lp1G2IAJ', id) };
    },
    compare: { exactKeys: ['message'] },
  },
  'update.json': {
    note: 'updates an Invoice__c created for the purpose (ReleaseDate__c → Due_Date__c)',
    adapt: async (r, env) => withBody(r, { Due_Date__c: '1980-05-21' }, `/services/data/v51.0/sobjects/Invoice__c/${await createRecord(env, 'Invoice__c', {})}`),
  },
  'update-invalid-field.json': {
    note: 'Movie__c → Invoice__c with a bad-checksum Invoice__c id; Color__c is unknown on both',
    adapt: (r) => ({ ...r, path: '/services/data/v51.0/sobjects/Invoice__c/a0XB000000FSjVUIB1' }),
  },
  'update-malformed-id.json': {
    note: 'Movie__c → Invoice__c; the id keeps its wrong checksum suffix (…IB1 where …IA1 is right)',
    adapt: (r) => withBody(r, { Due_Date__c: '1980-05-21' }, '/services/data/v51.0/sobjects/Invoice__c/a0XB000000FSjVUIB1'),
    accept: [{ where: /message/, reason: 'the message names the id, which differs' }],
  },
  'query-unknown-column.json': { compare: { exactKeys: ['message'] } },
  'query-malformed-soql.json': { compare: { exactKeys: ['message'] } },
  'query-with-next-records-url.json': {
    note: 'Random__c (10000 rows of two text fields) is mapped onto Contact FirstName/LastName (over 2000 seeded rows)',
    adapt: (r) => ({ ...r, query: new URLSearchParams({ q: 'SELECT FirstName, LastName FROM Contact' }) }),
    compare: { keyMap: { RANDOM_1__c: 'FirstName', RANDOM_2__c: 'LastName' }, objectMap: { random__c: 'Contact' } },
  },
  'query-with-next-records-url-2.json': {
    note: 'follows the nextRecordsUrl of the first page of the same mapped query',
    adapt: async (r, env) => {
      const first = await env.org.call(`/services/data/v51.0/query?q=${encodeURIComponent('SELECT FirstName, LastName FROM Contact')}`, { headers: { 'Sforce-Query-Options': 'batchSize=1000' } });
      const next = (first.body as { nextRecordsUrl?: string }).nextRecordsUrl;
      if (next === undefined) throw new Error('Setup failed: the first page has no nextRecordsUrl');
      return { ...r, path: next, query: new URLSearchParams() };
    },
    compare: { keyMap: { RANDOM_1__c: 'FirstName', RANDOM_2__c: 'LastName' }, objectMap: { random__c: 'Contact' } },
  },

  // Bulk API 2.0: the real recordings are replayed on jobs made for the purpose; synthetic ids and scenarios are skipped.
  'get-info-7508z00000lSXvxQAG.json': {
    note: 'job info of a completed 3-row Account insert made for the purpose',
    adapt: async (r, env) => ({ ...r, path: r.path.replace(REAL_JOB_INGEST, await ingestJob(env, GOOD_ROWS)) }),
  },
  'bulk-api-ingest-7508Z00000lSXvxQAG.json': {
    note: 'successfulResults of a completed 3-row Account insert',
    adapt: async (r, env) => ({ ...r, path: r.path.replace(REAL_JOB_INGEST, await ingestJob(env, GOOD_ROWS)) }),
  },
  'bulk-api-ingest-7508Z00000lSXvxQAG-unprocessed.json': {
    note: 'unprocessedrecords of a completed Account insert',
    adapt: async (r, env) => ({ ...r, path: r.path.replace(REAL_JOB_INGEST, await ingestJob(env, GOOD_ROWS)) }),
  },
  'bulk-api-injest-fail-7508Z00000lSXvxQAG.json': {
    note: 'failedResults of an Account insert whose first row has no Name',
    adapt: async (r, env) => ({ ...r, path: r.path.replace(REAL_JOB_INGEST, await ingestJob(env, ONE_BAD_ROW)) }),
  },
  'bulk-api-ingest-abort.json': {
    note: 'aborts an Open job made for the purpose ({"state":"Aborted"})',
    adapt: async (r, env) => withBody(r, { state: 'Aborted' }, r.path.replace(REAL_JOB_INGEST, await ingestJob(env, GOOD_ROWS, false))),
    accept: [TRIMMED],
  },
  'bulk-api-ingest-abort-return-invalidjob.json': {
    note: 'aborts a completed job made for the purpose (the real answer the mapping recorded under the id "clientError")',
    adapt: async (r, env) => withBody(r, { state: 'Aborted' }, r.path.replace('clientError', await ingestJob(env, GOOD_ROWS))),
    compare: { exactKeys: ['message'] },
  },
  'bulk-api-ingest-delete-7508Z00000lSXvxQAG.json': {
    note: 'deletes a completed job made for the purpose',
    adapt: async (r, env) => ({ ...r, path: r.path.replace(REAL_JOB_INGEST, await ingestJob(env, GOOD_ROWS)) }),
    accept: [{ where: /^status$/, reason: 'the docs (salesforce-api.md 4.6) give 204 for a delete; the trimmed mapping says 200' }],
  },
  'get-info-7508z00000lTqQCQA0.json': {
    note: 'job info of a completed query job made for the purpose',
    adapt: async (r, env) => ({ ...r, path: r.path.replace(REAL_JOB_QUERY, await queryJob(env)) }),
    accept: [{ where: /^header content-type$/, reason: 'the mapping labels this JSON body application/octetstream (a WireMock artefact); every other JSON answer is application/json;charset=UTF-8' }],
  },
  'bulk-api-query-get-7508Z00000lTqQCQA0-result.json': {
    note: 'results of a completed query job made for the purpose',
    adapt: async (r, env) => ({ ...r, path: r.path.replace(REAL_JOB_QUERY, await queryJob(env)) }),
  },
  'bulk-api-query-get-more-results.json': {
    note: 'the second page of results, following the Sforce-Locator of the first page',
    adapt: async (r, env) => {
      const id = await queryJob(env);
      const first = await env.org.call(`${V56}/jobs/query/${id}/results?maxRecords=2`);
      const locator = first.headers.get('sforce-locator') ?? 'null';
      return { ...r, path: r.path.replace(REAL_JOB_QUERY, id), query: new URLSearchParams({ locator, maxRecords: '2' }) };
    },
  },
  'bulk-api-query-get-results-server-error.json': {
    note: 'despite its name a 200: a results page read with a locator from the first page',
    adapt: async (r, env) => {
      const id = await queryJob(env);
      const first = await env.org.call(`${V56}/jobs/query/${id}/results?maxRecords=2`);
      return { ...r, path: r.path.replace(REAL_JOB_QUERY, id), query: new URLSearchParams({ locator: first.headers.get('sforce-locator') ?? 'null' }) };
    },
  },
  'bulk-api-query-delete-7508Z00000lTqQCQA0.json': {
    note: 'deletes a completed query job made for the purpose',
    adapt: async (r, env) => ({ ...r, path: r.path.replace(REAL_JOB_QUERY, await queryJob(env)) }),
    accept: [{ where: /^status$/, reason: 'the docs give 204 for a delete; the trimmed mapping says 200' }],
  },
  'bulk-api-query-job-operations-abort-7508Z00000lTqQCQA0.json': {
    note: 'aborts a query job made for the purpose',
    adapt: async (r, env) => withBody(r, { state: 'Aborted' }, r.path.replace(REAL_JOB_QUERY, await queryJob(env))),
    accept: [TRIMMED, { where: /^status$/, reason: 'the emulator finishes small query jobs at once, and a completed job cannot be aborted (400 INVALIDJOBSTATE)' }],
  },
  'query-create-job.json': {
    note: 'the mapping matches any body: a query job for SELECT Id FROM Account is created',
    adapt: (r) => withBody(r, { operation: 'query', query: 'SELECT Id FROM Account' }),
    accept: [{ where: /^\$ keys$/, reason: 'the mapping keeps only the job id; the emulator answers the full create-job body of salesforce-api.md 5' }],
  },
  'query-queryAll-jobs.json': {
    note: 'the mapping matches operation queryAll: a queryAll job for SELECT Id FROM Account is created',
    adapt: (r) => withBody(r, { operation: 'queryAll', query: 'SELECT Id FROM Account' }),
    accept: [{ where: /^\$ keys$/, reason: 'the mapping keeps only the job id and a made-up "type"; the emulator answers the full create-job body of salesforce-api.md 5' }],
  },
};

/** The plan of a recording; Bulk recordings on made-up ids (`clientError`, `serverError`, `empty`, `1`…) are synthetic. */
export function planFor(file: string, request: RecordedRequest): ReplayPlan | SkipPlan {
  const plan = PLANS[file];
  if (plan) return plan;
  if (/\/jobs\/(ingest|query)/.test(request.path)) {
    if (/^bulk-api-ingest-scenario-/.test(file)) return { skip: 'synthetic Bulk scenario (README: not ground truth)' };
    if (/\/jobs\/(ingest|query)\/(clientError|serverError|empty)(\/|$)/.test(request.path) || file === 'query-with-client-error.json' || file === 'query-with-server-error.json') {
      return { skip: 'synthetic: a made-up job id or an injected 400/500 (the docs give 404 for unknown jobs)' };
    }
  }
  return {};
}
