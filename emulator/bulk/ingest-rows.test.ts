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

describe('job-level failures', () => {
  it('fails an LF job given CRLF data with the real LineEnding errorMessage', async () => {
    const done = await runJob({ object: 'Account', operation: 'insert', lineEnding: 'LF' }, 'Name\r\nA\r\n');
    expect(done).toMatchObject({ state: 'Failed', numberRecordsProcessed: 0, errorMessage: 'ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF' });
    expect(await text(done.id as string, 'successfulResults')).toBe('"sf__Id","sf__Created",Name\n');
    expect(await text(done.id as string, 'unprocessedrecords')).toBe('Name\r\nA\r\n');
  });

  it('fails a CRLF job given LF data, including an unquoted newline inside a row', async () => {
    const lf = await runJob({ object: 'Account', operation: 'insert', lineEnding: 'CRLF' }, 'Name\nA\n');
    expect(lf.errorMessage).toBe('ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is CRLF');
    const embedded = await runJob({ object: 'Account', operation: 'insert', lineEnding: 'CRLF' }, 'Name,Description\r\nA,one\ntwo\r\n');
    expect(embedded.state).toBe('Failed');
    const quoted = await runJob({ object: 'Account', operation: 'insert', lineEnding: 'CRLF' }, 'Name,Description\r\nA,"one\ntwo"\r\n');
    expect(quoted).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 1 });
  });

  it('fails on the first unknown column, naming only it', async () => {
    const done = await runJob({ object: 'Account', operation: 'insert' }, 'Name,Industryy,Foo\nA,B,C\n');
    expect(done).toMatchObject({ state: 'Failed', errorMessage: 'InvalidBatch : Field name not found : Industryy' });
    expect(await text(done.id as string, 'unprocessedrecords')).toBe('Name,Industryy,Foo\nA,B,C\n');
  });

  it('fails a file whose header starts with a UTF-8 BOM, the first column being not found', async () => {
    const done = await runJob({ object: 'Account', operation: 'insert' }, '\uFEFFName\nA\n');
    expect(done).toMatchObject({ state: 'Failed', errorMessage: 'InvalidBatch : Field name not found : \uFEFFName' });
  });

  it('fails relationship columns with a type on a non-polymorphic lookup or an unknown relationship', async () => {
    const typed = await runJob({ object: 'Contact', operation: 'insert' }, 'LastName,Account:Account.External_Id__c\nA,X\n');
    expect(typed.errorMessage).toBe('InvalidBatch : type is not needed for non polymorphic foreign key references: Account');
    const unknown = await runJob({ object: 'Contact', operation: 'insert' }, 'LastName,Acount.External_Id__c\nA,X\n');
    expect(unknown.errorMessage).toBe('InvalidBatch : Unable to find relationship: Acount');
    const untyped = await runJob({ object: 'Lead', operation: 'insert' }, 'LastName,Company,Owner.Username\nA,B,x\n');
    expect(untyped.state).toBe('Failed');
  });
});

describe('delimiters', () => {
  const cases: [string, string][] = [
    ['COMMA', ','],
    ['SEMICOLON', ';'],
    ['TAB', '\t'],
    ['PIPE', '|'],
    ['CARET', '^'],
    ['BACKQUOTE', '`'],
  ];
  it.each(cases)('reads a %s-delimited file, with the delimiter inside a quoted cell', async (name, d) => {
    const done = await runJob({ object: 'Account', operation: 'insert', columnDelimiter: name }, `Name${d}Description\nDelim ${name}${d}"x${d}y"\n`);
    expect(done).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 1, numberRecordsFailed: 0, columnDelimiter: name });
    const row = [...org.store.rows('Account', { includeDeleted: false })].find((r) => r.Name === `Delim ${name}`);
    expect(row?.Description).toBe(`x${d}y`);
  });
});

describe('per-row values', () => {
  it('reads dates, datetimes, numbers and booleans and reports unreadable cells like a real org', async () => {
    const csv = 'LastName,Birthdate,HasOptedOutOfEmail,Description\nTypes1,1990-02-28,TRUE,ok\nTypes2,6/15/19,false,bad date\nTypes3,1990-01-01,maybe,bad bool\n';
    const done = await runJob({ object: 'Contact', operation: 'insert' }, csv);
    expect(done).toMatchObject({ numberRecordsProcessed: 3, numberRecordsFailed: 2 });
    const failed = (await text(done.id as string, 'failedResults')).split('\n');
    expect(failed[1]).toBe(`"","INVALID_FIELD:Failed to deserialize field at col 1. Due to, '6/15/19' is not a valid value for the type xsd:date:Birthdate --","Types2","6/15/19","false","bad date"`);
    expect(failed[2]).toContain("'maybe' is not a valid value for the type xsd:boolean:HasOptedOutOfEmail --");
    const row = [...org.store.rows('Contact', { includeDeleted: false })].find((r) => r.LastName === 'Types1');
    expect(row).toMatchObject({ Birthdate: '1990-02-28', HasOptedOutOfEmail: true });
  });

  it('stores datetimes in UTC and reads numbers', async () => {
    const done = await runJob({ object: 'Opportunity', operation: 'insert' }, 'Name,StageName,CloseDate,Amount\nOpp1,Prospecting,2024-03-01,1234.5\nOpp2,Prospecting,2024-03-01,12x\n');
    expect(done).toMatchObject({ numberRecordsProcessed: 2, numberRecordsFailed: 1 });
    const failed = await text(done.id as string, 'failedResults');
    expect(failed).toContain("'12x' is not a valid value for the type xsd:double:Amount --");
  });

  it('ignores blank cells on update and nulls a field given #N/A', async () => {
    const created = await runJob({ object: 'Contact', operation: 'insert' }, 'LastName,Title,Department\nBlanky,Boss,Sales\n');
    const id = (await text(created.id as string, 'successfulResults')).split('\n')[1]?.split(',')[0]?.replaceAll('"', '');
    const done = await runJob({ object: 'Contact', operation: 'update' }, `Id,Title,Department\n${id},,#N/A\n`);
    expect(done).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 0 });
    expect((await text(done.id as string, 'successfulResults')).split('\n')[1]).toBe(`"${id}","false","${id}","","#N/A"`);
    const row = org.store.findById(id ?? '')?.row;
    expect(row).toMatchObject({ Title: 'Boss', Department: null });
  });

  it('applies the REST write rules: lengths, restricted picklists, ids of the wrong object or deleted records', async () => {
    const account = await runJob({ object: 'Account', operation: 'insert' }, 'Name\nRules Parent\n');
    const accountId = (await text(account.id as string, 'successfulResults')).split('\n')[1]?.split(',')[0]?.replaceAll('"', '') ?? '';
    const long = 'x'.repeat(81);
    const csv = `LastName,AccountId\n${long},\nWrongObject,${org.adminId}\n`;
    const done = await runJob({ object: 'Contact', operation: 'insert' }, csv);
    expect(done.numberRecordsFailed).toBe(2);
    const failed = (await text(done.id as string, 'failedResults')).split('\n');
    expect(failed[1]).toContain('STRING_TOO_LONG:');
    expect(failed[2]).toMatch(/FIELD_INTEGRITY_EXCEPTION|MALFORMED_ID/);
    const invoice = await runJob({ object: 'Invoice__c', operation: 'insert' }, 'Status__c\nTerrible\n');
    expect((await text(invoice.id as string, 'failedResults')).split('\n')[1]).toContain('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:Status: bad value for restricted picklist field: Terrible:Status__c --');
    const deleted = await runJob({ object: 'Account', operation: 'delete' }, `Id\n${accountId}\n`);
    expect(deleted).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 0 });
    const update = await runJob({ object: 'Account', operation: 'update' }, `Id,Name\n${accountId},Again\n`);
    expect((await text(update.id as string, 'failedResults')).split('\n')[1]).toContain('ENTITY_IS_DELETED:entity is deleted:--');
  });

  it('resolves Account.External_Id__c and polymorphic User:Owner.Username relationship columns', async () => {
    await runJob({ object: 'Account', operation: 'insert' }, 'Name,External_Id__c\nRel Parent,REL-1\n');
    const parent = [...org.store.rows('Account', { includeDeleted: false })].find((r) => r.External_Id__c === 'REL-1');
    const done = await runJob({ object: 'Contact', operation: 'insert' }, 'LastName,Account.External_Id__c\nRelChild,REL-1\nRelOrphan,REL-404\n');
    expect(done).toMatchObject({ numberRecordsProcessed: 2, numberRecordsFailed: 1 });
    const child = [...org.store.rows('Contact', { includeDeleted: false })].find((r) => r.LastName === 'RelChild');
    expect(child?.AccountId).toBe(parent?.Id);
    expect((await text(done.id as string, 'failedResults')).split('\n')[1]).toBe(
      '"","INVALID_FIELD:Foreign key external ID: REL-404 not found for field External_Id__c in entity Account:--","RelOrphan","REL-404"',
    );
    const admin = org.store.findById(org.adminId)?.row;
    const lead = await runJob({ object: 'Lead', operation: 'insert' }, `LastName,Company,User:Owner.Username\nPoly,Co,${String(admin?.Username)}\n`);
    expect(lead).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 0 });
    expect([...org.store.rows('Lead', { includeDeleted: false })].find((r) => r.LastName === 'Poly')?.OwnerId).toBe(org.adminId);
  });

  it('upserts by external id, reporting sf__Created, and fails rows whose external id repeats in the file', async () => {
    const first = await runJob({ object: 'Account', operation: 'upsert', externalIdFieldName: 'External_Id__c' }, 'External_Id__c,Name\nUPS-1,One\n');
    expect(first.externalIdFieldName).toBe('External_Id__c');
    const done = await runJob({ object: 'Account', operation: 'upsert', externalIdFieldName: 'External_Id__c' }, 'External_Id__c,Name\nUPS-1,One again\nUPS-2,Two\nUPS-3,Three\nups-3,Three bis\n');
    expect(done).toMatchObject({ numberRecordsProcessed: 4, numberRecordsFailed: 2 });
    const ok = (await text(done.id as string, 'successfulResults')).split('\n');
    expect(ok[1]).toMatch(/^"001\w{15}","false","UPS-1","One again"$/);
    expect(ok[2]).toMatch(/^"001\w{15}","true","UPS-2","Two"$/);
    expect(await text(done.id as string, 'failedResults')).toContain('"","DUPLICATE_VALUE:Duplicate external id specified: UPS-3:--","UPS-3","Three"');
  });

  it('fails an upsert row whose external id matches several records with DUPLICATE_EXTERNAL_ID', async () => {
    await runJob({ object: 'Contact', operation: 'insert' }, 'LastName,Legacy_Id__c\nTwin A,LEG-1\nTwin B,LEG-1\n');
    const done = await runJob({ object: 'Contact', operation: 'upsert', externalIdFieldName: 'Legacy_Id__c' }, 'Legacy_Id__c,Title\nLEG-1,Twin\n');
    expect(done.numberRecordsFailed).toBe(1);
    const twins = [...org.store.rows('Contact', { includeDeleted: false })].filter((r) => r.Legacy_Id__c === 'LEG-1').map((r) => r.Id as string);
    expect((await text(done.id as string, 'failedResults')).split('\n')[1]).toBe(
      `"","DUPLICATE_EXTERNAL_ID:Legacy Id: more than one record found for external id field: [${twins.join(', ')}]:Legacy_Id__c --","LEG-1","Twin"`,
    );
  });

  it('deletes and hard-deletes by Id', async () => {
    const created = await runJob({ object: 'Account', operation: 'insert' }, 'Name\nDel1\nDel2\n');
    const ids = (await text(created.id as string, 'successfulResults')).trim().split('\n').slice(1).map((l) => l.split(',')[0]?.replaceAll('"', '') ?? '');
    const soft = await runJob({ object: 'Account', operation: 'delete' }, `Id\n${ids[0]}\n`);
    expect(soft.numberRecordsFailed).toBe(0);
    expect(org.store.findById(ids[0] ?? '')?.row.IsDeleted).toBe(true);
    const hard = await runJob({ object: 'Account', operation: 'hardDelete' }, `Id\n${ids[1]}\n`);
    expect(hard.numberRecordsFailed).toBe(0);
    expect(org.store.findById(ids[1] ?? '')).toBeUndefined();
    expect((await text(hard.id as string, 'successfulResults')).split('\n')[1]).toBe(`"${ids[1]}","false","${ids[1]}"`);
  });
});

describe('faults and progress', () => {
  it('shows numberRecordsProcessed growing while a stalled job is InProgress, then completes once released', async () => {
    org.bulk.faults.stallNextIngestJob({ afterRows: 100 });
    const job = await createJob({ object: 'Account', operation: 'insert' });
    const rows = Array.from({ length: 250 }, (_, i) => `Stall ${i}`).join('\n');
    await upload(job.id as string, `Name\n${rows}\n`);
    await call('PATCH', `/jobs/ingest/${String(job.id)}`, { state: 'UploadComplete' });
    let current = await info(job.id as string);
    while (current.numberRecordsProcessed !== 100) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      current = await info(job.id as string);
    }
    expect(current.state).toBe('InProgress');
    org.bulk.faults.releaseStall();
    expect(await finished(job.id as string)).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 250 });
  });

  it('can abort an InProgress job, leaving the rest unprocessed', async () => {
    org.bulk.faults.stallNextIngestJob({ afterRows: 50 });
    const job = await createJob({ object: 'Account', operation: 'insert' });
    await upload(job.id as string, `Name\n${Array.from({ length: 120 }, (_, i) => `Abort ${i}`).join('\n')}\n`);
    await call('PATCH', `/jobs/ingest/${String(job.id)}`, { state: 'UploadComplete' });
    while ((await info(job.id as string)).numberRecordsProcessed !== 50) await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await call('PATCH', `/jobs/ingest/${String(job.id)}`, { state: 'Aborted' });
    expect(res.status).toBe(200);
    org.bulk.faults.releaseStall();
    const done = await finished(job.id as string);
    expect(done).toMatchObject({ state: 'Aborted', numberRecordsProcessed: 50 });
    expect((await text(job.id as string, 'unprocessedrecords')).trim().split('\n')).toHaveLength(71);
  });

  it('drops the connection during an upload and leaves the job Open without data', async () => {
    org.bulk.faults.dropNextUpload({ afterBytes: 10 });
    const job = await createJob({ object: 'Account', operation: 'insert' });
    await expect(upload(job.id as string, `Name\n${'y'.repeat(20_000)}\n`)).rejects.toThrow();
    expect((await info(job.id as string)).state).toBe('Open');
    expect((await upload(job.id as string, 'Name\nAfterDrop\n')).status).toBe(201);
  });
});

describe('creating a job with its data in one multipart request', () => {
  it('creates the job already UploadComplete and processes the content part', async () => {
    const boundary = 'BOUNDARY';
    const body = [
      `--${boundary}`,
      'Content-Type: application/json',
      'Content-Disposition: form-data; name="job"',
      '',
      JSON.stringify({ object: 'Account', operation: 'insert', contentType: 'CSV', lineEnding: 'LF' }),
      `--${boundary}`,
      'Content-Type: text/csv',
      'Content-Disposition: form-data; name="content"; filename="content"',
      '',
      'Name\nMultipart One\nMultipart Two',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const res = await fetch(`${org.base()}/jobs/ingest`, { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body });
    expect(res.status).toBe(200);
    const job = (await res.json()) as Json;
    expect(job.state).toBe('UploadComplete');
    expect(await finished(job.id as string)).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 2, numberRecordsFailed: 0 });
  });
});

describe('retention', () => {
  it('deletes jobs 7 days after they finished', async () => {
    let clock = Date.now();
    const local = await startBulkTestOrg({ now: () => clock });
    try {
      const created = (await (await fetch(`${local.base()}/jobs/ingest`, { method: 'POST', body: JSON.stringify({ object: 'Account', operation: 'insert' }) })).json()) as Json;
      const id = created.id as string;
      await fetch(`${local.base()}/jobs/ingest/${id}/batches`, { method: 'PUT', body: 'Name\nOld\n' });
      await fetch(`${local.base()}/jobs/ingest/${id}`, { method: 'PATCH', body: JSON.stringify({ state: 'UploadComplete' }) });
      await local.bulk.idle();
      clock += 6 * 24 * 60 * 60 * 1000;
      expect((await fetch(`${local.base()}/jobs/ingest/${id}`)).status).toBe(200);
      clock += 2 * 24 * 60 * 60 * 1000;
      expect((await fetch(`${local.base()}/jobs/ingest/${id}`)).status).toBe(404);
    } finally {
      await local.close();
    }
  });
});

describe('listing many jobs', () => {
  it('pages the list 1000 jobs at a time with nextRecordsUrl', async () => {
    const local = await startBulkTestOrg();
    try {
      for (let i = 0; i < 1001; i += 91) {
        const batch = Array.from({ length: Math.min(91, 1001 - i) }, () => fetch(`${local.base()}/jobs/ingest`, { method: 'POST', body: JSON.stringify({ object: 'Account', operation: 'insert' }) }));
        expect((await Promise.all(batch)).map((r) => r.status)).toEqual(batch.map(() => 200));
      }
      const first = (await (await fetch(`${local.base()}/jobs/ingest`)).json()) as { done: boolean; nextRecordsUrl: string; records: Json[] };
      expect(first.done).toBe(false);
      expect(first.records).toHaveLength(1000);
      expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/jobs\/ingest\?queryLocator=\w+$/);
      const second = (await (await fetch(`${local.url}${first.nextRecordsUrl}`)).json()) as { done: boolean; nextRecordsUrl: null; records: Json[] };
      expect(second).toMatchObject({ done: true, nextRecordsUrl: null });
      expect(second.records).toHaveLength(1);
    } finally {
      await local.close();
    }
  });
});
