import { type TestOrg, createTestOrg } from './soql-test-org';

/** Fixed ids of the SOQL test data, named after what they are. */
export const IDS = {
  ada: '005000000000001AAA',
  bob: '005000000000002AAA',
  acme: '001000000000001AAA',
  beta: '001000000000002AAA',
  gamma: '001000000000003AAA',
  deleted: '001000000000004AAA',
  lovelace: '003000000000001AAA',
  hopper: '003000000000002AAA',
  turing: '003000000000003AAA',
  orphan: '003000000000004AAA',
  paid: 'a00000000000001AAA',
  open: 'a00000000000002AAA',
  loose: 'a00000000000003AAA',
  call: '00T000000000001AAA',
  bill: '00T000000000002AAA',
  version: '068000000000001AAA',
} as const;

/** The instant the SOQL tests run at: Saturday 28 November 2026, noon UTC (week of Sunday the 22nd, Q4). */
export const NOW = new Date('2026-11-28T12:00:00Z');

/** A test org holding a few users, accounts (one deleted), contacts (one without an account), invoices and tasks. */
export function createSoqlFixture(): TestOrg {
  const org = createTestOrg();
  org.add('User', { Id: IDS.ada, Name: 'Ada Admin', Username: 'ada@orgdesk.test', IsActive: true, CreatedDate: '2020-01-01T00:00:00.000+0000' });
  org.add('User', { Id: IDS.bob, Name: 'Bob', Username: 'bob@orgdesk.test', IsActive: false, CreatedDate: '2020-01-01T00:00:00.000+0000' });
  org.add('Account', {
    Id: IDS.acme,
    Name: 'Acme',
    Industry: 'Technology',
    NumberOfEmployees: 100,
    AnnualRevenue: 5000.5,
    OwnerId: IDS.ada,
    External_Id__c: 'EXT-1',
    Regions__c: 'EMEA;APAC',
    CreatedDate: '2026-11-28T09:00:00.000+0000',
  });
  org.add('Account', {
    Id: IDS.beta,
    Name: 'beta Corp',
    Industry: 'Finance',
    NumberOfEmployees: 20,
    OwnerId: IDS.bob,
    ParentId: IDS.acme,
    Regions__c: 'AMER',
    CreatedDate: '2026-11-27T23:00:00.000+0000',
  });
  org.add('Account', { Id: IDS.gamma, Name: 'Gamma_Ltd', OwnerId: IDS.ada, CreatedDate: '2026-10-15T12:00:00.000+0000' });
  org.add('Account', {
    Id: IDS.deleted,
    Name: 'Deleted Inc',
    Industry: 'Technology',
    NumberOfEmployees: 7,
    OwnerId: IDS.ada,
    IsDeleted: true,
    CreatedDate: '2025-06-01T00:00:00.000+0000',
  });
  const created = '2026-01-01T00:00:00.000+0000';
  org.add('Contact', { Id: IDS.lovelace, FirstName: 'Ada', LastName: 'Lovelace', AccountId: IDS.acme, Birthdate: '1990-12-10', Email: 'ada@example.com', CreatedDate: created });
  org.add('Contact', { Id: IDS.hopper, FirstName: 'Grace', LastName: 'Hopper', AccountId: IDS.acme, Birthdate: '1985-01-05', CreatedDate: created });
  org.add('Contact', { Id: IDS.turing, LastName: 'Turing', AccountId: IDS.beta, CreatedDate: created });
  org.add('Contact', { Id: IDS.orphan, LastName: 'Orphan', CreatedDate: created });
  org.add('Invoice__c', { Id: IDS.paid, Name: 'INV-0001', Account__c: IDS.acme, Amount__c: 100, Status__c: 'Paid', Due_Date__c: '2026-11-30', CreatedDate: created });
  org.add('Invoice__c', { Id: IDS.open, Name: 'INV-0002', Account__c: IDS.acme, Amount__c: 250.5, Status__c: 'Open', Due_Date__c: '2026-12-15', CreatedDate: created });
  org.add('Invoice__c', { Id: IDS.loose, Name: 'INV-0003', Amount__c: 50, Status__c: 'Open', Due_Date__c: '2026-11-01', CreatedDate: created });
  org.add('Task', { Id: IDS.call, Subject: 'Call', WhatId: IDS.acme, CreatedDate: created });
  org.add('Task', { Id: IDS.bill, Subject: 'Bill', WhatId: IDS.paid, CreatedDate: created });
  org.add('ContentVersion', { Id: IDS.version, Title: 'Contract', VersionData: 'SGVsbG8=', CreatedDate: created });
  return org;
}
