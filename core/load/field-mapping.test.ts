import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import type { LoadField, LoadObject } from '../../shared/ipc/domains/load';
import { openDatabase } from '../store';
import { createMappingStore, headerKey, readMappingTarget, suggestMapping } from './field-mapping';
import { toLoadObject } from './load-object';
import { fetchDescribe } from '../test-support/org-describe';

let emulator: RunningEmulator;
let contact: LoadObject;
let invoice: LoadObject;
const dir = mkdtempSync(join(tmpdir(), 'orgdesk-mapping-'));

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  contact = toLoadObject(await fetchDescribe(emulator.url, 'Contact'));
  invoice = toLoadObject(await fetchDescribe(emulator.url, 'Invoice__c'));
});
afterAll(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

function lookup(name: string, referenceTo: string[], relationshipName: string): LoadField {
  return {
    name, label: name, type: 'reference', length: 18, precision: 0, scale: 0, createable: true, updateable: true, nillable: true,
    defaultedOnCreate: false, requiredOnCreate: false, externalId: false, idLookup: false, unique: false, referenceTo,
    relationshipName, restrictedPicklist: false, picklistValues: [],
  };
}

describe('toLoadObject', () => {
  it('reads the org describe: key prefix, types, lengths, requiredness, lookups, picklists', () => {
    expect(contact.name).toBe('Contact');
    expect(contact.keyPrefix).toBe('003');
    const lastName = contact.fields.find((f) => f.name === 'LastName');
    expect(lastName).toMatchObject({ type: 'string', length: 80, createable: true, requiredOnCreate: true });
    expect(contact.fields.find((f) => f.name === 'FirstName')?.requiredOnCreate).toBe(false);
    expect(contact.fields.find((f) => f.name === 'Id')).toMatchObject({ type: 'id', createable: false, requiredOnCreate: false });
    expect(contact.fields.find((f) => f.name === 'AccountId')).toMatchObject({ referenceTo: ['Account'], relationshipName: 'Account' });
    expect(contact.fields.find((f) => f.name === 'Salutation')?.picklistValues).toContain('Dr.');
    expect(invoice.fields.find((f) => f.name === 'Status__c')).toMatchObject({ restrictedPicklist: true, requiredOnCreate: false });
  });

  it('refuses a body that is not a describe', () => {
    expect(() => toLoadObject({ hello: 'world' })).toThrow(/cannot read/);
  });
});

describe('suggestMapping', () => {
  it('maps by API name, then by label, ignoring case, spaces and underscores, and lists the rest', () => {
    const result = suggestMapping(['last_name', 'First Name', 'EMAIL', 'Business Phone', 'Shoe size'], contact, 'insert');
    expect(result.mappings).toEqual([
      { source: 'column', column: 'last_name', field: 'LastName' },
      { source: 'column', column: 'First Name', field: 'FirstName' },
      { source: 'column', column: 'EMAIL', field: 'Email' },
      { source: 'column', column: 'Business Phone', field: 'Phone' },
    ]);
    expect(result.unmappedColumns).toEqual(['Shoe size']);
  });

  it('leaves out fields the operation cannot write, and Id on insert', () => {
    const result = suggestMapping(['Id', 'LastName', 'CreatedDate'], contact, 'insert');
    expect(result.mappings.map((m) => m.field)).toEqual(['LastName']);
    expect(result.unmappedColumns).toEqual(['Id', 'CreatedDate']);
    expect(suggestMapping(['Id', 'LastName'], contact, 'update').mappings.map((m) => m.field)).toEqual(['Id', 'LastName']);
  });

  it('maps only the Id column for delete and hardDelete', () => {
    for (const operation of ['delete', 'hardDelete'] as const) {
      const result = suggestMapping(['LastName', 'ID'], contact, operation);
      expect(result).toEqual({ mappings: [{ source: 'column', column: 'ID', field: 'Id' }], unmappedColumns: ['LastName'] });
    }
  });

  it('resolves relationship columns to lookups through the parent external id, with the describe spelling', () => {
    const result = suggestMapping(['account.external_id__c', 'Account__r.External_Id__c'], contact, 'upsert');
    expect(result.mappings[0]).toEqual({ source: 'column', column: 'account.external_id__c', field: 'Account.external_id__c' });
    expect(suggestMapping(['Account__r.External_Id__c'], invoice, 'insert').mappings).toEqual([
      { source: 'column', column: 'Account__r.External_Id__c', field: 'Account__r.External_Id__c' },
    ]);
  });

  it('takes each field once, by the first column that names it', () => {
    const result = suggestMapping(['LastName', 'Last Name'], contact, 'insert');
    expect(result.mappings).toHaveLength(1);
    expect(result.unmappedColumns).toEqual(['Last Name']);
  });
});

describe('readMappingTarget', () => {
  const task: LoadObject = { name: 'Task', label: 'Task', keyPrefix: '00T', fields: [lookup('WhatId', ['Account', 'Opportunity'], 'What'), lookup('OwnerId', ['User'], 'Owner')] };

  it('writes polymorphic lookups as Type:Relationship.Field (salesforce-api.md §4.7)', () => {
    expect(readMappingTarget(task, 'account:what.External_Id__c')).toMatchObject({ kind: 'lookup', parentType: 'Account', header: 'Account:What.External_Id__c' });
  });

  it('reads the relationship-first slip What:Account.Field the right way round', () => {
    expect(readMappingTarget(task, 'What:Account.External_Id__c')).toMatchObject({ header: 'Account:What.External_Id__c' });
  });

  it('refuses a polymorphic lookup without its type, and drops a needless type', () => {
    expect(() => readMappingTarget(task, 'What.External_Id__c')).toThrow(/What can point at Account, Opportunity: the column What.External_Id__c must name which/);
    expect(readMappingTarget(task, 'User:Owner.Username')).toMatchObject({ header: 'Owner.Username', parentType: null });
  });

  it('refuses unknown fields and relationships', () => {
    expect(() => readMappingTarget(contact, 'Shoe__c')).toThrow('Contact has no field named Shoe__c.');
    expect(() => readMappingTarget(contact, 'Boss.Email')).toThrow(/no lookup named Boss/);
  });
});

describe('createMappingStore', () => {
  it('offers a saved mapping again when the same headers come back, in any order or case', () => {
    const db = openDatabase({ folder: dir });
    try {
      const store = createMappingStore(db.db, { now: () => Date.UTC(2026, 0, 2) });
      expect(store.find('Contact', ['LastName', 'Mail'])).toBeNull();
      store.save('Contact', ['LastName', 'Mail'], [{ source: 'column', column: 'Mail', field: 'Email' }, { source: 'constant', value: 'Web', field: 'LeadSource' }]);
      const found = store.find('contact', ['MAIL', 'lastname']);
      expect(found).toEqual({
        objectName: 'contact',
        headers: ['MAIL', 'lastname'],
        mappings: [{ source: 'column', column: 'MAIL', field: 'Email' }, { source: 'constant', value: 'Web', field: 'LeadSource' }],
        savedAt: '2026-01-02T00:00:00.000Z',
      });
      store.save('Contact', ['LastName', 'Mail'], []);
      expect(store.find('Contact', ['LastName', 'Mail'])?.mappings).toEqual([]);
      expect(store.find('Lead', ['LastName', 'Mail'])).toBeNull();
    } finally {
      db.close();
    }
  });

  it('keys header sets by their trimmed, lower-cased, sorted names', () => {
    expect(headerKey([' Name', 'email'])).toBe('["email","name"]');
  });
});
