import type { ChildRelationshipInfo, FieldInfo, ObjectInfo, ObjectSummary } from '../../../../../shared/ipc/contract';
import type { SchemaCatalog } from './soql-schema';

type FieldOptions = Partial<Omit<FieldInfo, 'name'>>;

function field(name: string, type: string, options: FieldOptions = {}): FieldInfo {
  return {
    name,
    label: options.label ?? name.replace(/__c$/, '').replace(/_/g, ' '),
    type,
    referenceTo: [],
    relationshipName: null,
    picklistValues: [],
    filterable: type !== 'textarea',
    sortable: type !== 'textarea',
    groupable: !['textarea', 'currency', 'double', 'datetime'].includes(type),
    aggregatable: true,
    nillable: name !== 'Id',
    ...options,
  };
}

const reference = (name: string, to: string[], relationshipName: string): FieldInfo =>
  field(name, 'reference', { referenceTo: to, relationshipName });
const picklist = (name: string, values: string[]): FieldInfo =>
  field(name, 'picklist', { picklistValues: values.map((value) => ({ value, label: value })) });
const audit = (): FieldInfo[] => [
  field('CreatedDate', 'datetime'),
  reference('CreatedById', ['User'], 'CreatedBy'),
  field('LastModifiedDate', 'datetime'),
  field('IsDeleted', 'boolean'),
];
const child = (relationshipName: string, childSObject: string, viaField: string): ChildRelationshipInfo => ({ relationshipName, childSObject, field: viaField });

function object(name: string, keyPrefix: string, fields: FieldInfo[], childRelationships: ChildRelationshipInfo[] = []): ObjectInfo {
  return { name, label: name.replace(/__c$/, ''), keyPrefix, custom: name.endsWith('__c'), fields: [field('Id', 'id', { nillable: false }), ...fields, ...audit()], childRelationships };
}

/** Describe data shaped like the local demo org (emulator/org/schema.ts): User, Account, Contact, Opportunity, Invoice__c. */
export const sampleObjects: ObjectInfo[] = [
  object('User', '005', [
    field('Username', 'string'),
    field('LastName', 'string'),
    field('FirstName', 'string'),
    field('Name', 'string'),
    field('Email', 'email'),
    field('IsActive', 'boolean'),
    picklist('TimeZoneSidKey', ['America/Los_Angeles', 'Europe/London', 'GMT']),
    reference('ManagerId', ['User'], 'Manager'),
  ]),
  object(
    'Account',
    '001',
    [
      field('Name', 'string'),
      reference('ParentId', ['Account'], 'Parent'),
      picklist('Type', ['Prospect', 'Customer - Direct', 'Other']),
      picklist('Industry', ['Banking', 'Energy', 'Media']),
      picklist('Rating', ['Hot', 'Warm', 'Cold']),
      field('AnnualRevenue', 'currency'),
      field('BillingCity', 'string'),
      field('Description', 'textarea'),
      field('External_Id__c', 'string'),
      reference('OwnerId', ['User'], 'Owner'),
    ],
    [child('ChildAccounts', 'Account', 'ParentId'), child('Contacts', 'Contact', 'AccountId'), child('Opportunities', 'Opportunity', 'AccountId'), child('Invoices__r', 'Invoice__c', 'Account__c')],
  ),
  object(
    'Contact',
    '003',
    [
      reference('AccountId', ['Account'], 'Account'),
      field('LastName', 'string'),
      field('FirstName', 'string'),
      field('Name', 'string'),
      picklist('Salutation', ['Mr.', 'Ms.', "O'Neil's"]),
      field('Email', 'email'),
      field('Birthdate', 'date'),
      picklist('LeadSource', ['Web', 'Phone Inquiry', 'Other']),
      reference('ReportsToId', ['Contact'], 'ReportsTo'),
      field('HasOptedOutOfEmail', 'boolean'),
      reference('OwnerId', ['User'], 'Owner'),
    ],
    [child('DirectReports', 'Contact', 'ReportsToId')],
  ),
  object('Opportunity', '006', [
    reference('AccountId', ['Account'], 'Account'),
    field('Name', 'string'),
    picklist('StageName', ['Prospecting', 'Closed Won', 'Closed Lost']),
    field('CloseDate', 'date'),
    field('Amount', 'currency'),
    field('IsWon', 'boolean'),
    reference('OwnerId', ['User'], 'Owner'),
  ]),
  object('Invoice__c', 'a0X', [
    field('Name', 'string'),
    reference('Account__c', ['Account'], 'Account__r'),
    field('External_Id__c', 'string'),
    picklist('Status__c', ['Draft', 'Sent', 'Paid', 'Void']),
    field('Amount__c', 'currency'),
    field('Due_Date__c', 'date'),
    reference('OwnerId', ['User'], 'Owner'),
  ]),
];

/** The global describe matching sampleObjects. */
export const sampleSummaries: ObjectSummary[] = sampleObjects.map((o) => ({ name: o.name, label: o.label, keyPrefix: o.keyPrefix, custom: o.custom, queryable: true }));

/** A catalog over the sample schema that counts describe calls, for tests and the grid bench page. */
export function createSampleCatalog(): SchemaCatalog & { describeCalls: string[] } {
  const describeCalls: string[] = [];
  return {
    describeCalls,
    objects: () => Promise.resolve(sampleSummaries),
    describe: (name) => {
      describeCalls.push(name);
      return Promise.resolve(sampleObjects.find((o) => o.name.toLowerCase() === name.toLowerCase()) ?? null);
    },
  };
}
