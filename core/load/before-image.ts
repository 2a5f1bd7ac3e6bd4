import { createReadStream } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadObject, LoadPlan } from '../../shared/ipc/domains/load';
import { scanCsvChunks } from '../csv/csv-stream';
import { ServiceError } from '../errors';
import type { Clock, SalesforceClient } from '../salesforce';
import { beforeImagePath, openBeforeImage, type BeforeRecord } from './before-image-store';
import { jobFiles } from './job-planner';
import type { JournalJob, JournalLoad } from './load-journal';
import { BULK_KEYS_PER_QUERY, BULK_PAST_KEYS, createRecordReader, QUERIES_AT_ONCE, REST_KEYS_PER_QUERY, type RecordValues } from './records-by-key';

/** Called for each job before its first upload (job-runner's `beforeUpload`); must be safe to call again after a restart. */
export type BeforeUploadHook = (job: JournalJob, signal: AbortSignal) => Promise<void>;

/** The operations a before-image is kept for (an insert's success file has the new ids: it needs none). */
const CHANGING = new Set(['update', 'upsert', 'delete', 'hardDelete']);

/** Whether a load keeps a before-image: an update, upsert, delete or hard delete, unless its options turned it off. */
export function keepsBeforeImage(load: Pick<JournalLoad, 'plan' | 'options'>): boolean {
  return CHANGING.has(load.plan.operation) && (load.options as { beforeImage?: boolean }).beforeImage !== false;
}

/** The field a mapping target writes: `Account.External_Id__c` (or `Type:Account.…`) writes the lookup `AccountId`. */
function writtenField(target: string, object: LoadObject): string | null {
  const dot = target.indexOf('.');
  if (dot < 0) return object.fields.find((field) => field.name.toLowerCase() === target.toLowerCase())?.name ?? null;
  const relationship = target.slice(0, dot).split(':').at(-1)?.toLowerCase() ?? '';
  return object.fields.find((field) => field.relationshipName?.toLowerCase() === relationship)?.name ?? null;
}

/**
 * The fields a before-image holds: for delete and hard delete every createable field (so the record can be rebuilt), else
 * the fields the mapping writes; never Id. `SystemModstamp` is read besides them, to find records changed since.
 */
function beforeImageFields(plan: LoadPlan, object: LoadObject): string[] {
  if (plan.operation === 'delete' || plan.operation === 'hardDelete') return object.fields.filter((field) => field.createable && field.name !== 'Id').map((field) => field.name);
  const fields = plan.mappings.map((mapping) => writtenField(mapping.field, object)).filter((name): name is string => name !== null && name !== 'Id');
  return [...new Set(fields)];
}

/** The key a job's rows name their records by: Id, or the upsert's external id field. */
function keyFieldOf(plan: LoadPlan): string {
  return plan.operation === 'upsert' ? (plan.externalIdField ?? 'Id') : 'Id';
}

/** What capturing needs beside the load. */
export type BeforeImagePorts = { client: SalesforceClient; apiVersion: string; clock: Clock; poll?: { initialMs: number; maxMs: number } | undefined };

/**
 * The hook that keeps a load's before-image (or undefined when the load keeps none): for each job, before its upload, it
 * reads the job's keys from its CSV, reads those records' current values (REST IN-lists, or Bulk queries for a job past
 * 20,000 rows) and stores them in `<loadsDir>/<loadId>.before.sqlite`, every chunk committed with a full fsync and the file
 * closed before the upload starts. Nothing but one chunk of keys and records is held in memory.
 */
export function beforeImageHook(load: JournalLoad, object: LoadObject, ports: BeforeImagePorts): BeforeUploadHook | undefined {
  if (!keepsBeforeImage(load)) return undefined;
  const path = beforeImagePath(dirname(load.workDir), load.id);
  const fields = beforeImageFields(load.plan, object);
  const keyField = keyFieldOf(load.plan);
  const reader = createRecordReader({ client: ports.client, apiVersion: ports.apiVersion, clock: ports.clock, object, poll: ports.poll });
  const modstampField = object.fields.some((field) => field.name === 'SystemModstamp') ? ['SystemModstamp'] : [];
  return async (job, signal) => {
    const store = openBeforeImage(path, { create: true });
    try {
      if (store.hasJob(job.seq)) return;
      if (store.meta() === null) store.setMeta({ objectName: object.name, operation: load.plan.operation, keyField, fields });
      const bulk = job.rows > BULK_PAST_KEYS;
      let captured = 0;
      const save = (records: RecordValues[]): void => {
        const rows: BeforeRecord[] = records.map((values) => {
          const { Id: id, SystemModstamp: modstamp, ...rest } = values;
          return { id: id ?? '', jobSeq: job.seq, modstamp: modstamp ?? null, values: rest };
        });
        store.put(job.seq, rows);
        captured += rows.length;
      };
      let keyColumn = -1;
      let keys: string[] = [];
      const flush = async (): Promise<void> => {
        const chunk = keys;
        keys = [];
        if (chunk.length > 0) await reader.read({ fields: [...fields, ...modstampField], keyField, bulk, signal }, chunk, save);
      };
      await scanCsvChunks(
        createReadStream(jobFiles(load.workDir, job.seq).csv),
        (record) => {
          if (keyColumn < 0) {
            keyColumn = record.findIndex((name) => name.toLowerCase() === keyField.toLowerCase());
            if (keyColumn < 0) throw new ServiceError('VALIDATION', `The job has no ${keyField} column, so its records' values cannot be kept before the load.`, 'Map the key column, or turn the before-image off for this load (it then cannot be undone).');
            return undefined;
          }
          const key = record[keyColumn] ?? '';
          if (key !== '' && key !== '#N/A') keys.push(key);
          // Enough keys for a few queries at once, never the whole job's.
          return keys.length >= (bulk ? BULK_KEYS_PER_QUERY : REST_KEYS_PER_QUERY) * QUERIES_AT_ONCE ? flush() : undefined;
        },
        { maxRecordChars: 64 * 1024 * 1024 },
      );
      await flush();
      store.finishJob(job.seq, captured);
    } finally {
      store.close();
    }
  };
}
