import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BulkTestOrg, startBulkTestOrg } from './bulk-test-org';
import { ingestJobCalls, type Json } from './ingest-job-calls';

let org: BulkTestOrg;

beforeAll(async () => {
  org = await startBulkTestOrg({ maxUploadBytes: 64 * 1024, chunkSize: 50 });
});

afterAll(async () => {
  await org.close();
});

const { call, createJob, upload, info, finished, runJob, text } = ingestJobCalls(() => org);

describe('creating an ingest job', () => {
  it('answers 200 with an Open job, a relative contentUrl, a numeric apiVersion and real date formats', async () => {
    const res = await call('POST', '/jobs/ingest', { object: 'account', operation: 'insert', lineEnding: 'LF' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    const job = (await res.json()) as Json;
    expect(Object.keys(job)).toEqual([
      'id', 'operation', 'object', 'createdById', 'createdDate', 'systemModstamp', 'state', 'concurrencyMode', 'contentType', 'apiVersion', 'contentUrl', 'lineEnding', 'columnDelimiter',
    ]);
    expect(job).toMatchObject({ operation: 'insert', object: 'Account', state: 'Open', concurrencyMode: 'Parallel', contentType: 'CSV', apiVersion: 62, lineEnding: 'LF', columnDelimiter: 'COMMA', createdById: org.adminId });
    expect(job.id).toMatch(/^750[0-9A-Za-z]{15}$/);
    expect(job.contentUrl).toBe(`services/data/v62.0/jobs/ingest/${String(job.id)}/batches`);
    expect(job.createdDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);
  });

  it('shows jobType, contentUrl while Open and zeroed counters and timings in the job info', async () => {
    const job = await createJob({ object: 'Account', operation: 'insert' });
    const got = await info(job.id as string);
    expect(got).toMatchObject({ jobType: 'V2Ingest', contentUrl: job.contentUrl, numberRecordsProcessed: 0, numberRecordsFailed: 0, retries: 0, totalProcessingTime: 0, apiActiveProcessingTime: 0, apexProcessingTime: 0 });
  });

  it('refuses an upsert without externalIdFieldName and an unknown object', async () => {
    const upsert = await call('POST', '/jobs/ingest', { object: 'Account', operation: 'upsert' });
    expect(upsert.status).toBe(400);
    expect(await upsert.json()).toEqual([{ errorCode: 'INVALIDJOB', message: 'InvalidJob : External ID was blank for Account. An External ID must be specified for upsert.' }]);
    const unknown = await call('POST', '/jobs/ingest', { object: 'Nope__c', operation: 'insert' });
    expect(unknown.status).toBe(400);
    const upper = await call('POST', '/jobs/ingest', { object: 'Account', operation: 'Insert' });
    expect(upper.status).toBe(400);
  });

  it('answers 405 to another verb on a job collection and 404 to an unknown job or a path under a job that does not exist', async () => {
    const notFound = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];
    for (const kind of ['ingest', 'query']) {
      const put = await call('PUT', `/jobs/${kind}`, {});
      expect(put.status).toBe(405);
      expect(await put.json()).toEqual([{ errorCode: 'METHOD_NOT_ALLOWED', message: "HTTP Method 'PUT' not allowed. Allowed are GET,POST" }]);
      const unknown = await call('GET', `/jobs/${kind}/750000000000000AAA`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual(notFound);
    }
    const job = await createJob({ object: 'Account', operation: 'insert' });
    const under = await call('GET', `/jobs/ingest/${String(job.id)}/nothing`);
    expect(under.status).toBe(404);
    expect(await under.json()).toEqual(notFound);
  });

  it('refuses a create request with an unknown line ending or delimiter', async () => {
    for (const kind of ['ingest', 'query']) {
      const res = await call('POST', `/jobs/${kind}`, { object: 'Account', operation: kind === 'ingest' ? 'insert' : 'query', query: 'SELECT Id FROM Account', columnDelimiter: 'comma' });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual([{ errorCode: 'JSON_PARSER_ERROR', message: 'Invalid columnDelimiter: "comma"; use one of BACKQUOTE, CARET, COMMA, PIPE, SEMICOLON, TAB' }]);
    }
  });

  it('does not exist before v41.0', async () => {
    const res = await call('POST', '/jobs/ingest', { object: 'Account', operation: 'insert' }, '40.0');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });
});

describe('uploading and the job state machine', () => {
  it('accepts the CSV with 201 and no body, only while the job is Open', async () => {
    const job = await createJob({ object: 'Account', operation: 'insert' });
    const res = await upload(job.id as string, 'Name\nUp1\n');
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('');
    const again = await upload(job.id as string, 'Name\nUp2\n');
    expect(again.status).toBe(400);
    await call('PATCH', `/jobs/ingest/${String(job.id)}`, { state: 'UploadComplete' });
    const late = await upload(job.id as string, 'Name\nUp3\n');
    expect(late.status).toBe(400);
    expect(((await late.json()) as Json[])[0]?.errorCode).toBe('INVALIDJOBSTATE');
  });

  it('refuses an upload over the size limit and keeps the job Open', async () => {
    const job = await createJob({ object: 'Account', operation: 'insert' });
    const big = `Name\n${'x'.repeat(70 * 1024)}\n`;
    const res = await upload(job.id as string, big);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json[])[0]?.errorCode).toBe('EXCEEDED_QUOTA');
    expect((await info(job.id as string)).state).toBe('Open');
    expect((await upload(job.id as string, 'Name\nSmall\n')).status).toBe(201);
  });

  it('closes with UploadComplete, answering 200 with the job info, then runs to JobComplete', async () => {
    const job = await createJob({ object: 'Account', operation: 'insert' });
    await upload(job.id as string, 'Name,NumberOfEmployees\nState1,10\nState2,20\n');
    const res = await call('PATCH', `/jobs/ingest/${String(job.id)}`, { state: 'UploadComplete' });
    expect(res.status).toBe(200);
    const closed = (await res.json()) as Json;
    expect(closed).toMatchObject({ id: job.id, state: 'UploadComplete', jobType: 'V2Ingest' });
    expect(closed.contentUrl).toBeUndefined();
    const done = await finished(job.id as string);
    expect(done).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 2, numberRecordsFailed: 0 });
    expect(done.totalProcessingTime).toBeGreaterThan(0);
  });

  it('aborts an Open job and refuses to abort a completed one with the real INVALIDJOBSTATE text', async () => {
    const open = await createJob({ object: 'Account', operation: 'insert' });
    const aborted = await call('PATCH', `/jobs/ingest/${String(open.id)}`, { state: 'Aborted' });
    expect(aborted.status).toBe(200);
    expect(((await aborted.json()) as Json).state).toBe('Aborted');
    const again = await call('PATCH', `/jobs/ingest/${String(open.id)}`, { state: 'Aborted' });
    expect(await again.json()).toEqual([{ errorCode: 'INVALIDJOBSTATE', message: 'Aborting already Aborted Job not allowed' }]);

    const done = await runJob({ object: 'Account', operation: 'insert' }, 'Name\nAbortMe\n');
    const res = await call('PATCH', `/jobs/ingest/${String(done.id)}`, { state: 'Aborted' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual([{ errorCode: 'INVALIDJOBSTATE', message: 'Aborting already Completed Job not allowed' }]);
    const close = await call('PATCH', `/jobs/ingest/${String(done.id)}`, { state: 'UploadComplete' });
    expect(close.status).toBe(400);
  });

  it('refuses a second PUT of data on the same job with the "Found multiple contents" text and keeps the first upload', async () => {
    const job = await createJob({ object: 'Account', operation: 'insert' });
    const id = String(job.id);
    expect((await upload(id, 'Name\nFirstUpload\n')).status).toBe(201);
    const again = await upload(id, 'Name\nSecondUpload\n');
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual([{
      errorCode: 'INVALIDJOBSTATE',
      message: `Found multiple contents for job: ${id}, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
    }]);
    await call('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' });
    expect(await finished(id)).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 1 });
  });

  it('does not delete an Open job, deletes a finished one with 204, and then answers 404', async () => {
    const open = await createJob({ object: 'Account', operation: 'insert' });
    const refused = await call('DELETE', `/jobs/ingest/${String(open.id)}`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Json[])[0]?.errorCode).toBe('INVALIDJOBSTATE');
    const done = await runJob({ object: 'Account', operation: 'insert' }, 'Name\nDeleteMe\n');
    const res = await call('DELETE', `/jobs/ingest/${String(done.id)}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    const gone = await call('GET', `/jobs/ingest/${String(done.id)}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });

  it('lists jobs with done, nextRecordsUrl and records carrying jobType and contentUrl', async () => {
    const job = await createJob({ object: 'Contact', operation: 'insert' });
    const list = (await (await call('GET', '/jobs/ingest')).json()) as { done: boolean; nextRecordsUrl: null; records: Json[] };
    expect(list.done).toBe(true);
    expect(list.nextRecordsUrl).toBeNull();
    const mine = list.records.find((r) => r.id === job.id);
    expect(mine).toMatchObject({ object: 'Contact', state: 'Open', jobType: 'V2Ingest', contentUrl: job.contentUrl });
  });

  it('has no results while the job is still Open', async () => {
    const job = await createJob({ object: 'Account', operation: 'insert' });
    expect((await call('GET', `/jobs/ingest/${String(job.id)}/successfulResults`)).status).toBe(400);
  });
});

describe('result files', () => {
  it('writes successfulResults as sf__Id,sf__Created plus the uploaded columns, quoted like a real org', async () => {
    const done = await runJob({ object: 'Account', operation: 'insert' }, 'Name,Description,NumberOfEmployees\nTestAccount1,"Says ""hi"", twice",30\nTestAccount2,,40\n');
    expect(done).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 2, numberRecordsFailed: 0 });
    const body = await text(done.id as string, 'successfulResults');
    const ids = [...org.store.rows('Account', { includeDeleted: false })].filter((r) => String(r.Name).startsWith('TestAccount')).map((r) => r.Id as string);
    expect(body).toBe(
      `"sf__Id","sf__Created",Name,Description,NumberOfEmployees\n` +
        `"${ids[0]}","true","TestAccount1","Says ""hi"", twice","30"\n` +
        `"${ids[1]}","true","TestAccount2","","40"\n`,
    );
    expect(await text(done.id as string, 'failedResults')).toBe('"sf__Id","sf__Error",Name,Description,NumberOfEmployees\n');
    expect(await text(done.id as string, 'unprocessedrecords')).toBe('Name,Description,NumberOfEmployees\n');
  });

  it('writes failedResults with sf__Id first and sf__Error as CODE:message:fields --', async () => {
    const done = await runJob({ object: 'Account', operation: 'insert' }, 'Name,Description,NumberOfEmployees\n,Description of TestAccount1,30\nGood,ok,1\n');
    expect(done).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 2, numberRecordsFailed: 1 });
    expect(await text(done.id as string, 'failedResults')).toBe(
      '"sf__Id","sf__Error",Name,Description,NumberOfEmployees\n' + '"","REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --","","Description of TestAccount1","30"\n',
    );
  });

  it('writes an unknown Id as INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:-- with an empty sf__Id', async () => {
    const done = await runJob({ object: 'Account', operation: 'update' }, 'Id,Phone\n001000000000000AAA,value\n');
    expect(done.numberRecordsFailed).toBe(1);
    expect(await text(done.id as string, 'failedResults')).toBe('"sf__Id","sf__Error",Id,Phone\n"","INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--","001000000000000AAA","value"\n');
  });

  it('keeps the Id of a failed update of an existing record in sf__Id', async () => {
    const created = await runJob({ object: 'Account', operation: 'insert' }, 'Name\nKeepId\n');
    const id = (await text(created.id as string, 'successfulResults')).split('\n')[1]?.split(',')[0]?.replaceAll('"', '') ?? '';
    const done = await runJob({ object: 'Account', operation: 'update' }, `Id,Name\n${id},#N/A\n`);
    expect((await text(done.id as string, 'failedResults')).split('\n')[1]).toBe(`"${id}","REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --","${id}","#N/A"`);
  });

  it('serves unprocessed records under both spellings after an abort-like failure', async () => {
    org.bulk.faults.failNextIngestJob({ afterRows: 1, errorMessage: 'InternalServerError : injected' });
    const done = await runJob({ object: 'Account', operation: 'insert' }, 'Name,NumberOfEmployees\nU1,1\nU2,2\nU3,3\n');
    expect(done).toMatchObject({ state: 'Failed', errorMessage: 'InternalServerError : injected', numberRecordsProcessed: 1 });
    expect(await text(done.id as string, 'unprocessedrecords')).toBe('Name,NumberOfEmployees\nU2,2\nU3,3\n');
    expect(await text(done.id as string, 'unprocessedRecords')).toBe('Name,NumberOfEmployees\nU2,2\nU3,3\n');
    expect((await text(done.id as string, 'successfulResults')).split('\n')).toHaveLength(3);
  });

  it('uses the job delimiter and line ending in result files', async () => {
    const done = await runJob({ object: 'Account', operation: 'insert', columnDelimiter: 'SEMICOLON', lineEnding: 'CRLF' }, 'Name;Description\r\nSemi;"a;b"\r\n');
    expect(done.state).toBe('JobComplete');
    const body = await text(done.id as string, 'successfulResults');
    expect(body).toMatch(/^"sf__Id";"sf__Created";Name;Description\r\n"001[0-9A-Za-z]{15}";"true";"Semi";"a;b"\r\n$/);
  });
});
