import type { ChildRelationshipSchema, FieldSchema, FieldType, ObjectSchema, OrgData, RecordRow } from '../org/types';

/**
 * A small in-memory org behind the OrgData port, for the SOQL engine's own tests only: Account, Contact, User and
 * Invoice__c with a handful of rows whose values exercise every operator. The real org store lives in `emulator/org`.
 */
export type TestOrg = OrgData & { add(objectName: string, row: RecordRow): void };

type FieldSpec = Partial<FieldSchema> & { name: string; type: FieldType };

function field(spec: FieldSpec): FieldSchema {
  const text = ['string', 'textarea', 'picklist', 'multipicklist', 'email', 'phone', 'url'].includes(spec.type);
  return {
    label: spec.name,
    length: text ? 255 : spec.type === 'id' || spec.type === 'reference' ? 18 : 0,
    precision: 0,
    scale: 0,
    digits: 0,
    nillable: true,
    createable: true,
    updateable: true,
    defaultedOnCreate: false,
    externalId: false,
    idLookup: spec.type === 'id',
    unique: false,
    caseSensitive: false,
    autoNumber: false,
    calculated: false,
    nameField: spec.name === 'Name',
    custom: spec.name.endsWith('__c'),
    filterable: true,
    sortable: spec.type !== 'textarea',
    groupable: spec.type !== 'textarea' && spec.type !== 'double' && spec.type !== 'currency' && spec.type !== 'datetime',
    aggregatable: spec.type !== 'textarea' && spec.type !== 'boolean',
    restrictedPicklist: false,
    picklistValues: [],
    defaultValue: null,
    referenceTo: [],
    relationshipName: null,
    polymorphicForeignKey: false,
    cascadeDelete: false,
    soapType: 'xsd:string',
    ...spec,
  };
}

function reference(name: string, to: string[], relationshipName: string): FieldSchema {
  return field({ name, type: 'reference', referenceTo: to, relationshipName, polymorphicForeignKey: to.length > 1 });
}

function object(name: string, keyPrefix: string, fields: FieldSchema[], childRelationships: ChildRelationshipSchema[] = []): ObjectSchema {
  const system: FieldSchema[] = [
    field({ name: 'Id', type: 'id', nillable: false, createable: false, updateable: false }),
    field({ name: 'IsDeleted', type: 'boolean', nillable: false }),
    field({ name: 'CreatedDate', type: 'datetime', nillable: false }),
  ];
  return {
    name,
    label: name,
    labelPlural: `${name}s`,
    keyPrefix,
    custom: name.endsWith('__c'),
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    fields: [...system, ...fields],
    childRelationships,
  };
}

const child = (childSObject: string, fieldName: string, relationshipName: string): ChildRelationshipSchema => ({
  childSObject,
  field: fieldName,
  relationshipName,
  cascadeDelete: false,
  restrictedDelete: false,
});

/** The schemas of the test org. */
function testSchemas(): ObjectSchema[] {
  return [
    object('User', '005', [field({ name: 'Name', type: 'string' }), field({ name: 'Username', type: 'string' }), field({ name: 'IsActive', type: 'boolean' })]),
    object(
      'Account',
      '001',
      [
        field({ name: 'Name', type: 'string', nillable: false }),
        field({ name: 'Industry', type: 'picklist' }),
        field({ name: 'NumberOfEmployees', type: 'int' }),
        field({ name: 'AnnualRevenue', type: 'currency' }),
        field({ name: 'Description', type: 'textarea' }),
        reference('OwnerId', ['User'], 'Owner'),
        reference('ParentId', ['Account'], 'Parent'),
        field({ name: 'External_Id__c', type: 'string', externalId: true, unique: true }),
        field({ name: 'Regions__c', type: 'multipicklist' }),
      ],
      [child('Contact', 'AccountId', 'Contacts'), child('Invoice__c', 'Account__c', 'Invoices__r'), child('Account', 'ParentId', 'ChildAccounts')],
    ),
    object('Contact', '003', [
      field({ name: 'FirstName', type: 'string' }),
      field({ name: 'LastName', type: 'string', nillable: false }),
      field({ name: 'Email', type: 'email' }),
      field({ name: 'Birthdate', type: 'date' }),
      reference('AccountId', ['Account'], 'Account'),
      reference('OwnerId', ['User'], 'Owner'),
      field({ name: 'External_Id__c', type: 'string', externalId: true, unique: true }),
    ]),
    object('Invoice__c', 'a00', [
      field({ name: 'Name', type: 'string', autoNumber: true }),
      reference('Account__c', ['Account'], 'Account__r'),
      field({ name: 'Amount__c', type: 'currency' }),
      field({ name: 'Status__c', type: 'picklist', restrictedPicklist: true }),
      field({ name: 'Due_Date__c', type: 'date' }),
      field({ name: 'External_Id__c', type: 'string', externalId: true, unique: true }),
    ]),
    object('ContentVersion', '068', [field({ name: 'Title', type: 'string' }), field({ name: 'VersionData', type: 'base64' })]),
    object('Task', '00T', [field({ name: 'Subject', type: 'string' }), reference('WhatId', ['Account', 'Invoice__c'], 'What')]),
  ];
}

/** Builds an empty test org (schemas only); `add` stores a row, filling every schema field it leaves out with null. */
export function createTestOrg(schemas: ObjectSchema[] = testSchemas()): TestOrg {
  const byName = new Map(schemas.map((schema) => [schema.name.toLowerCase(), schema]));
  const tables = new Map<string, RecordRow[]>(schemas.map((schema) => [schema.name, []]));
  const byId = new Map<string, { objectName: string; row: RecordRow }>();
  const children = new Map<string, RecordRow[]>();
  return {
    objectSchema: (name) => byName.get(name.toLowerCase()),
    objectSchemas: () => schemas,
    *rows(objectName, { includeDeleted }) {
      for (const row of tables.get(byName.get(objectName.toLowerCase())?.name ?? '') ?? []) {
        if (includeDeleted || row.IsDeleted !== true) yield row;
      }
    },
    findById: (id) => byId.get(id.slice(0, 15)),
    *childRows(childObject, fieldName, parentId, { includeDeleted }) {
      for (const row of children.get(`${childObject.toLowerCase()}|${fieldName.toLowerCase()}|${parentId.slice(0, 15)}`) ?? []) {
        if (includeDeleted || row.IsDeleted !== true) yield row;
      }
    },
    add(objectName, values) {
      const schema = byName.get(objectName.toLowerCase());
      if (schema === undefined) throw new Error(`The test org has no ${objectName}: add it to testSchemas()`);
      const row: RecordRow = {};
      for (const schemaField of schema.fields) row[schemaField.name] = values[schemaField.name] ?? null;
      row.IsDeleted = values.IsDeleted ?? false;
      (tables.get(schema.name) as RecordRow[]).push(row);
      byId.set(String(row.Id).slice(0, 15), { objectName: schema.name, row });
      for (const schemaField of schema.fields) {
        const parentId = row[schemaField.name];
        if (schemaField.type !== 'reference' || typeof parentId !== 'string') continue;
        const key = `${schema.name.toLowerCase()}|${schemaField.name.toLowerCase()}|${parentId.slice(0, 15)}`;
        const list = children.get(key);
        if (list === undefined) children.set(key, [row]);
        else list.push(row);
      }
    },
  };
}
