/**
 * The org model shared by every part of the emulator: object and field schemas, stored rows, and the read port the
 * SOQL engine queries through. The emulator is the other side of the wire, so nothing here comes from the client.
 */

/** A Salesforce field type as describe reports it. */
export type FieldType =
  | 'id'
  | 'string'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'time'
  | 'picklist'
  | 'multipicklist'
  | 'reference'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'base64'
  | 'address'
  | 'location'
  | 'combobox'
  | 'encryptedstring'
  | 'anyType';

/** One picklist entry as describe reports it. */
export type PicklistValue = { active: boolean; defaultValue: boolean; label: string; validFor: null; value: string };

/** One field of an object: the subset of describe metadata the emulator's behaviour depends on, plus describe extras. */
export type FieldSchema = {
  name: string;
  label: string;
  type: FieldType;
  /** Characters for text types, 0 for others; byteLength is 3 × length for strings. */
  length: number;
  precision: number;
  scale: number;
  digits: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  externalId: boolean;
  idLookup: boolean;
  unique: boolean;
  caseSensitive: boolean;
  autoNumber: boolean;
  calculated: boolean;
  nameField: boolean;
  custom: boolean;
  filterable: boolean;
  sortable: boolean;
  groupable: boolean;
  aggregatable: boolean;
  restrictedPicklist: boolean;
  picklistValues: PicklistValue[];
  defaultValue: string | number | boolean | null;
  /** For references: the objects the id may point at (several for polymorphic lookups). */
  referenceTo: string[];
  /** For references: the parent relationship name (`Account`, `Account__r`, `Owner`). */
  relationshipName: string | null;
  polymorphicForeignKey: boolean;
  cascadeDelete: boolean;
  soapType: string;
};

/** A child relationship as describe reports it (`Contacts` on Account, `Invoices__r` on Account). */
export type ChildRelationshipSchema = {
  childSObject: string;
  field: string;
  relationshipName: string | null;
  cascadeDelete: boolean;
  restrictedDelete: boolean;
};

/** One sObject type of the org. */
export type ObjectSchema = {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  /** Fields in describe order (Id first). */
  fields: FieldSchema[];
  childRelationships: ChildRelationshipSchema[];
};

/**
 * A stored value. Dates are `YYYY-MM-DD`, datetimes `YYYY-MM-DDTHH:mm:ss.SSS+0000` (as REST returns them), multipicklists
 * `a;b`, numbers are JS numbers, booleans JS booleans, everything else a string; an unset field is `null`.
 */
export type FieldValue = string | number | boolean | null;

/** A stored record: field API name (exact case from the schema) → value. Always carries `Id` and `IsDeleted`. */
export type RecordRow = Record<string, FieldValue>;

/** The read port through which the SOQL engine (and Bulk query jobs) see the org's data. */
export interface OrgData {
  /** The schema of an object, looked up case-insensitively; undefined if the org has no such object. */
  objectSchema(name: string): ObjectSchema | undefined;
  /** Every object of the org. */
  objectSchemas(): readonly ObjectSchema[];
  /** The rows of an object in insertion order; deleted rows (IsDeleted true) only when asked (queryAll). */
  rows(objectName: string, options: { includeDeleted: boolean }): Iterable<RecordRow>;
  /** A record by its 15- or 18-character id, with its object name; deleted records included. */
  findById(id: string): { objectName: string; row: RecordRow } | undefined;
  /** The rows of `childObject` whose reference field `field` holds `parentId` (indexed; deleted only when asked). */
  childRows(childObject: string, field: string, parentId: string, options: { includeDeleted: boolean }): Iterable<RecordRow>;
}
