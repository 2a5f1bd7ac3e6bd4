/**
 * The org's schema: Account, Contact, Opportunity, Lead, Case, User, Group and the custom object Invoice__c, with the field
 * metadata a real describe carries.
 */
import type { ChildRelationshipSchema, FieldSchema, FieldType, ObjectSchema, PicklistValue } from './types';

type FieldOptions = Partial<FieldSchema> & {
  /** Child relationship name this reference field gives its parent (`Contacts` on Account). */
  childRelationshipName?: string | null;
};

type FieldSpec = FieldSchema & { childRelationshipName: string | null };

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  multipicklist: 'xsd:string',
  combobox: 'xsd:string',
  encryptedstring: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  time: 'xsd:time',
  base64: 'xsd:base64Binary',
  address: 'urn:address',
  location: 'urn:location',
  anyType: 'xsd:anyType',
};

const TEXT_TYPES: ReadonlySet<FieldType> = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox', 'encryptedstring']);

/** True for field types stored as text with a length limit. */
export function isTextType(type: FieldType): boolean {
  return TEXT_TYPES.has(type);
}

function picklist(values: readonly string[], defaultValue?: string): PicklistValue[] {
  return values.map((value) => ({ active: true, defaultValue: value === defaultValue, label: value, validFor: null, value }));
}

function field(name: string, type: FieldType, options: FieldOptions = {}): FieldSpec {
  const custom = name.endsWith('__c');
  const text = isTextType(type);
  const numeric = type === 'int' || type === 'double' || type === 'currency' || type === 'percent';
  const base: FieldSpec = {
    name,
    label: name.replace(/__c$/, '').replace(/_/g, ' '),
    type,
    length: text ? 255 : type === 'id' || type === 'reference' ? 18 : 0,
    precision: numeric && type !== 'int' ? 18 : 0,
    scale: numeric && type !== 'int' ? 2 : 0,
    digits: type === 'int' ? 9 : 0,
    nillable: true,
    createable: true,
    updateable: true,
    defaultedOnCreate: false,
    externalId: false,
    idLookup: false,
    unique: false,
    caseSensitive: false,
    autoNumber: false,
    calculated: false,
    nameField: false,
    custom,
    filterable: type !== 'textarea' || (options.length ?? 255) <= 255,
    sortable: type !== 'textarea' || (options.length ?? 255) <= 255,
    groupable: !numeric || type === 'int',
    aggregatable: true,
    restrictedPicklist: false,
    picklistValues: [],
    defaultValue: null,
    referenceTo: [],
    relationshipName: null,
    polymorphicForeignKey: false,
    cascadeDelete: false,
    soapType: SOAP_TYPES[type],
    childRelationshipName: null,
  };
  if (type === 'boolean') Object.assign(base, { nillable: false, defaultedOnCreate: true, defaultValue: false, groupable: true, aggregatable: false });
  if (type === 'textarea' && (options.length ?? 255) > 255) Object.assign(base, { groupable: false, aggregatable: false });
  if (type === 'datetime' || type === 'date') base.groupable = type === 'date';
  return { ...base, ...options };
}

function reference(name: string, referenceTo: string[], relationshipName: string, options: FieldOptions = {}): FieldSpec {
  return field(name, 'reference', {
    referenceTo,
    relationshipName,
    polymorphicForeignKey: referenceTo.length > 1,
    ...options,
  });
}

function idField(): FieldSpec {
  return field('Id', 'id', {
    label: 'Record ID',
    nillable: false,
    createable: false,
    updateable: false,
    defaultedOnCreate: true,
    idLookup: true,
  });
}

function auditFields(): FieldSpec[] {
  const system = { nillable: false, createable: false, updateable: false, defaultedOnCreate: true } as const;
  return [
    field('IsDeleted', 'boolean', { label: 'Deleted', createable: false, updateable: false }),
    field('CreatedDate', 'datetime', { label: 'Created Date', ...system }),
    reference('CreatedById', ['User'], 'CreatedBy', { label: 'Created By ID', ...system }),
    field('LastModifiedDate', 'datetime', { label: 'Last Modified Date', ...system }),
    reference('LastModifiedById', ['User'], 'LastModifiedBy', { label: 'Last Modified By ID', ...system }),
    field('SystemModstamp', 'datetime', { label: 'System Modstamp', ...system }),
  ];
}

function ownerField(referenceTo: string[] = ['User']): FieldSpec {
  return reference('OwnerId', referenceTo, 'Owner', { label: 'Owner ID', nillable: false, defaultedOnCreate: true });
}

function externalIdField(unique: boolean, name = 'External_Id__c'): FieldSpec {
  return field(name, 'string', { label: name.replace(/__c$/, '').replace(/_/g, ' '), length: 50, externalId: true, idLookup: true, unique });
}

function nameField(length: number, options: FieldOptions = {}): FieldSpec {
  return field('Name', 'string', { label: 'Name', length, nillable: false, nameField: true, idLookup: false, ...options });
}

function compoundName(length: number): FieldSpec {
  return field('Name', 'string', { label: 'Full Name', length, nillable: false, nameField: true, createable: false, updateable: false, calculated: false, defaultedOnCreate: false });
}

type ObjectSpec = Omit<ObjectSchema, 'fields' | 'childRelationships'> & { fields: FieldSpec[] };

function sobject(name: string, keyPrefix: string, label: string, labelPlural: string, fields: FieldSpec[], options: Partial<ObjectSpec> = {}): ObjectSpec {
  return {
    name,
    label,
    labelPlural,
    keyPrefix,
    custom: name.endsWith('__c'),
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    fields: [idField(), ...fields],
    ...options,
  };
}

const INDUSTRIES = ['Agriculture', 'Banking', 'Chemicals', 'Communications', 'Construction', 'Consulting', 'Education', 'Electronics', 'Energy', 'Engineering', 'Finance', 'Healthcare', 'Insurance', 'Manufacturing', 'Media', 'Retail', 'Technology', 'Transportation', 'Utilities', 'Other'];
const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const RATINGS = ['Hot', 'Warm', 'Cold'];

/** Opportunity stages, in sales-process order. */
export const OPPORTUNITY_STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'];
/** Invoice__c.Status__c values (a restricted picklist). */
export const INVOICE_STATUSES = ['Draft', 'Sent', 'Paid', 'Void'];

function objectSpecs(): ObjectSpec[] {
  return [
    sobject('User', '005', 'User', 'Users', [
      field('Username', 'string', { length: 80, nillable: false, unique: true, idLookup: true }),
      field('LastName', 'string', { label: 'Last Name', length: 80, nillable: false }),
      field('FirstName', 'string', { label: 'First Name', length: 40 }),
      compoundName(121),
      field('Alias', 'string', { length: 8, nillable: false }),
      field('Email', 'email', { length: 128, nillable: false }),
      field('Title', 'string', { length: 80 }),
      field('Department', 'string', { length: 80 }),
      field('IsActive', 'boolean', { label: 'Active', defaultValue: true }),
      field('TimeZoneSidKey', 'picklist', { label: 'Time Zone', length: 40, nillable: false, restrictedPicklist: true, picklistValues: picklist(['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Paris', 'GMT'], 'GMT') }),
      field('ProfileName__c', 'string', { label: 'Profile Name', length: 80 }),
      ...auditFields(),
    ], { deletable: false }),
    sobject('Group', '00G', 'Group', 'Groups', [
      nameField(40),
      field('DeveloperName', 'string', { label: 'Developer Name', length: 80 }),
      field('Type', 'picklist', { length: 40, nillable: false, restrictedPicklist: true, picklistValues: picklist(['Queue', 'Regular']) }),
      field('Email', 'email', { length: 255 }),
      reference('OwnerId', ['User'], 'Owner', { label: 'Owner ID', nillable: false, defaultedOnCreate: true }),
      ...auditFields(),
    ]),
    sobject('Account', '001', 'Account', 'Accounts', [
      nameField(255, { label: 'Account Name' }),
      reference('ParentId', ['Account'], 'Parent', { label: 'Parent Account ID', childRelationshipName: 'ChildAccounts' }),
      field('AccountNumber', 'string', { label: 'Account Number', length: 40 }),
      field('Type', 'picklist', { label: 'Account Type', picklistValues: picklist(['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other']) }),
      field('Industry', 'picklist', { picklistValues: picklist(INDUSTRIES) }),
      field('Rating', 'picklist', { label: 'Account Rating', picklistValues: picklist(RATINGS) }),
      field('Phone', 'phone', { label: 'Account Phone', length: 40 }),
      field('Website', 'url', { length: 255 }),
      field('AnnualRevenue', 'currency', { label: 'Annual Revenue', precision: 18, scale: 0 }),
      field('NumberOfEmployees', 'int', { label: 'Employees', digits: 8 }),
      field('BillingStreet', 'textarea', { label: 'Billing Street', length: 255 }),
      field('BillingCity', 'string', { label: 'Billing City', length: 40 }),
      field('BillingState', 'string', { label: 'Billing State/Province', length: 80 }),
      field('BillingPostalCode', 'string', { label: 'Billing Zip/Postal Code', length: 20 }),
      field('BillingCountry', 'string', { label: 'Billing Country', length: 80 }),
      field('Description', 'textarea', { label: 'Account Description', length: 32000 }),
      externalIdField(true),
      ownerField(),
      ...auditFields(),
    ]),
    sobject('Contact', '003', 'Contact', 'Contacts', [
      reference('AccountId', ['Account'], 'Account', { label: 'Account ID', childRelationshipName: 'Contacts', cascadeDelete: true }),
      field('LastName', 'string', { label: 'Last Name', length: 80, nillable: false }),
      field('FirstName', 'string', { label: 'First Name', length: 40 }),
      field('Salutation', 'picklist', { length: 40, picklistValues: picklist(['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']) }),
      compoundName(121),
      field('Title', 'string', { length: 128 }),
      field('Department', 'string', { length: 80 }),
      field('Email', 'email', { length: 80, idLookup: true }),
      field('Phone', 'phone', { label: 'Business Phone', length: 40 }),
      field('MobilePhone', 'phone', { label: 'Mobile Phone', length: 40 }),
      field('Birthdate', 'date'),
      field('LeadSource', 'picklist', { label: 'Lead Source', picklistValues: picklist(LEAD_SOURCES) }),
      reference('ReportsToId', ['Contact'], 'ReportsTo', { label: 'Reports To ID' }),
      field('MailingCity', 'string', { label: 'Mailing City', length: 40 }),
      field('MailingCountry', 'string', { label: 'Mailing Country', length: 80 }),
      field('HasOptedOutOfEmail', 'boolean', { label: 'Email Opt Out' }),
      field('Description', 'textarea', { label: 'Contact Description', length: 32000 }),
      externalIdField(true),
      externalIdField(false, 'Legacy_Id__c'),
      ownerField(),
      ...auditFields(),
    ]),
    sobject('Opportunity', '006', 'Opportunity', 'Opportunities', [
      reference('AccountId', ['Account'], 'Account', { label: 'Account ID', childRelationshipName: 'Opportunities', cascadeDelete: true }),
      nameField(120),
      field('StageName', 'picklist', { label: 'Stage', length: 40, nillable: false, picklistValues: picklist(OPPORTUNITY_STAGES) }),
      field('CloseDate', 'date', { label: 'Close Date', nillable: false }),
      field('Amount', 'currency', { precision: 18, scale: 2 }),
      field('Probability', 'percent', { label: 'Probability (%)', precision: 3, scale: 0 }),
      field('Type', 'picklist', { label: 'Opportunity Type', picklistValues: picklist(['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer']) }),
      field('LeadSource', 'picklist', { label: 'Lead Source', picklistValues: picklist(LEAD_SOURCES) }),
      field('IsClosed', 'boolean', { label: 'Closed', createable: false, updateable: false }),
      field('IsWon', 'boolean', { label: 'Won', createable: false, updateable: false }),
      field('Description', 'textarea', { length: 32000 }),
      ownerField(),
      ...auditFields(),
    ]),
    sobject('Lead', '00Q', 'Lead', 'Leads', [
      field('LastName', 'string', { label: 'Last Name', length: 80, nillable: false }),
      field('FirstName', 'string', { label: 'First Name', length: 40 }),
      compoundName(121),
      field('Company', 'string', { length: 255, nillable: false }),
      field('Title', 'string', { length: 128 }),
      field('Email', 'email', { length: 80, idLookup: true }),
      field('Phone', 'phone', { length: 40 }),
      field('Status', 'picklist', { label: 'Status', length: 40, nillable: false, defaultedOnCreate: true, defaultValue: 'Open - Not Contacted', picklistValues: picklist(['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], 'Open - Not Contacted') }),
      field('LeadSource', 'picklist', { label: 'Lead Source', picklistValues: picklist(LEAD_SOURCES) }),
      field('Industry', 'picklist', { picklistValues: picklist(INDUSTRIES) }),
      field('Rating', 'picklist', { picklistValues: picklist(RATINGS) }),
      field('AnnualRevenue', 'currency', { label: 'Annual Revenue', precision: 18, scale: 0 }),
      field('NumberOfEmployees', 'int', { label: 'Employees', digits: 8 }),
      field('City', 'string', { length: 40 }),
      field('Country', 'string', { length: 80 }),
      field('IsConverted', 'boolean', { label: 'Converted', updateable: false }),
      ownerField(['Group', 'User']),
      ...auditFields(),
    ]),
    sobject('Case', '500', 'Case', 'Cases', [
      field('CaseNumber', 'string', { label: 'Case Number', length: 30, nillable: false, autoNumber: true, nameField: true, idLookup: true, createable: false, updateable: false, defaultedOnCreate: true }),
      reference('AccountId', ['Account'], 'Account', { label: 'Account ID', childRelationshipName: 'Cases', cascadeDelete: true }),
      reference('ContactId', ['Contact'], 'Contact', { label: 'Contact ID', childRelationshipName: 'Cases' }),
      field('Subject', 'string', { length: 255 }),
      field('Description', 'textarea', { length: 32000 }),
      field('Status', 'picklist', { length: 40, defaultedOnCreate: true, defaultValue: 'New', picklistValues: picklist(['New', 'Working', 'Escalated', 'Closed'], 'New') }),
      field('Priority', 'picklist', { length: 40, defaultedOnCreate: true, defaultValue: 'Medium', picklistValues: picklist(['High', 'Medium', 'Low'], 'Medium') }),
      field('Origin', 'picklist', { label: 'Case Origin', length: 40, picklistValues: picklist(['Phone', 'Email', 'Web']) }),
      field('Type', 'picklist', { label: 'Case Type', length: 40, picklistValues: picklist(['Question', 'Problem', 'Feature Request']) }),
      field('IsClosed', 'boolean', { label: 'Closed', createable: false, updateable: false }),
      field('ClosedDate', 'datetime', { label: 'Closed Date', createable: false, updateable: false }),
      field('SuppliedEmail', 'email', { label: 'Web Email', length: 80 }),
      ownerField(['Group', 'User']),
      ...auditFields(),
    ]),
    sobject('Invoice__c', 'a0X', 'Invoice', 'Invoices', [
      field('Name', 'string', { label: 'Invoice Number', length: 80, nillable: false, autoNumber: true, nameField: true, idLookup: true, createable: false, updateable: false, defaultedOnCreate: true, custom: false }),
      reference('Account__c', ['Account'], 'Account__r', { label: 'Account', childRelationshipName: 'Invoices__r' }),
      externalIdField(true),
      field('Status__c', 'picklist', { label: 'Status', restrictedPicklist: true, defaultedOnCreate: true, defaultValue: 'Draft', picklistValues: picklist(INVOICE_STATUSES, 'Draft') }),
      field('Amount__c', 'currency', { label: 'Amount', precision: 16, scale: 2 }),
      field('Due_Date__c', 'date', { label: 'Due Date' }),
      ownerField(),
      ...auditFields(),
    ]),
    // The record the sf CLI reads at login and on every command (one row, made at start). [INF] field subset.
    sobject('Organization', '00D', 'Organization', 'Organizations', [
      field('Name', 'string', { label: 'Name', length: 80, nillable: false, nameField: true, createable: false, updateable: false }),
      field('InstanceName', 'string', { label: 'Instance Name', length: 5, createable: false, updateable: false }),
      field('IsSandbox', 'boolean', { label: 'Is Sandbox', createable: false, updateable: false }),
      field('TrialExpirationDate', 'datetime', { label: 'Trial Expiration Date', createable: false, updateable: false }),
      field('NamespacePrefix', 'string', { label: 'Namespace Prefix', length: 15, createable: false, updateable: false }),
      field('OrganizationType', 'picklist', { label: 'Edition', length: 40, createable: false, updateable: false, picklistValues: picklist(['Developer Edition', 'Enterprise Edition', 'Unlimited Edition', 'Professional Edition']) }),
      ...auditFields().filter((f) => f.name !== 'IsDeleted'),
    ], { createable: false, updateable: false, deletable: false }),
    // A platform event: published with POST /sobjects/Order_Event__e, delivered on /event/Order_Event__e, never stored.
    sobject('Order_Event__e', 'e00', 'Order Event', 'Order Events', [
      field('ReplayId', 'string', { label: 'Replay ID', length: 255, createable: false, updateable: false }),
      field('CreatedDate', 'datetime', { label: 'Created Date', nillable: false, createable: false, updateable: false, defaultedOnCreate: true }),
      reference('CreatedById', ['User'], 'CreatedBy', { label: 'Created By ID', nillable: false, createable: false, updateable: false, defaultedOnCreate: true }),
      field('EventUuid', 'string', { label: 'Event UUID', length: 36, createable: false, updateable: false }),
      field('Order_Number__c', 'string', { label: 'Order Number', length: 40 }),
      field('Status__c', 'string', { label: 'Status', length: 40 }),
      field('Amount__c', 'double', { label: 'Amount', precision: 16, scale: 2 }),
      field('Account_Id__c', 'string', { label: 'Account Id', length: 18 }),
    ], { custom: true, updateable: false, deletable: false, queryable: false }),
  ];
}

/** Text for Salesforce auto-number fields: the display format of each auto-number field, `{0}` replaced by the number. */
export const AUTO_NUMBER_FORMATS: Record<string, { format: string; width: number }> = {
  'Case.CaseNumber': { format: '', width: 8 },
  'Invoice__c.Name': { format: 'INV-', width: 6 },
};

/** Builds the org's object schemas, with child relationships derived from every reference field. */
export function buildSchemas(): ObjectSchema[] {
  const specs = objectSpecs();
  const children = new Map<string, ChildRelationshipSchema[]>();
  for (const spec of specs) {
    for (const f of spec.fields) {
      if (f.type !== 'reference') continue;
      for (const parent of f.referenceTo) {
        const list = children.get(parent) ?? [];
        list.push({
          childSObject: spec.name,
          field: f.name,
          relationshipName: f.childRelationshipName,
          cascadeDelete: f.cascadeDelete,
          restrictedDelete: false,
        });
        children.set(parent, list);
      }
    }
  }
  return specs.map((spec) => ({
    ...spec,
    fields: spec.fields.map(({ childRelationshipName: _omit, ...schema }) => schema),
    childRelationships: (children.get(spec.name) ?? []).sort((a, b) => a.childSObject.localeCompare(b.childSObject) || a.field.localeCompare(b.field)),
  }));
}
