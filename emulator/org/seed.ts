/**
 * The demo org's data: a deterministic seed (users, a queue, Accounts with External_Id__c, Contacts with and without an
 * Account, Opportunities, Cases, Leads, Invoices) and a fast generator for large volumes.
 */
import { INVOICE_STATUSES, OPPORTUNITY_STAGES } from './schema';
import type { OrgStore } from './store';
import type { FieldValue, ObjectSchema, RecordRow } from './types';
import { formatDate, formatDateTime } from './values';

/** A small deterministic PRNG (mulberry32), so a seed number always gives the same org. */
function createRandom(seed: number): { next(): number; int(max: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
  };
}

/** How many records of each kind the seed makes. */
export type SeedSize = { accounts: number; contacts: number; opportunities: number; cases: number; leads: number; invoices: number };

/** The default seed size: hundreds of Accounts, thousands of Contacts. */
export const DEFAULT_SEED_SIZE: SeedSize = { accounts: 300, contacts: 3000, opportunities: 600, cases: 400, leads: 500, invoices: 800 };

/** The seeded users: the first is the active admin every test can log in as. */
const SEED_USERS = [
  { username: 'admin@orgdesk.example', firstName: 'Ada', lastName: 'Admin', alias: 'aadmin', isActive: true, profile: 'System Administrator', title: 'Salesforce Administrator' },
  { username: 'integration@orgdesk.example', firstName: 'Ivan', lastName: 'Integration', alias: 'iinteg', isActive: true, profile: 'System Administrator', title: 'Integration User' },
  { username: 'sales.rep@orgdesk.example', firstName: 'Sally', lastName: 'Seller', alias: 'sseller', isActive: true, profile: 'Standard User', title: 'Account Executive' },
  { username: 'support.agent@orgdesk.example', firstName: 'Sam', lastName: 'Support', alias: 'ssupport', isActive: true, profile: 'Standard User', title: 'Support Agent' },
  { username: 'former.employee@orgdesk.example', firstName: 'Fred', lastName: 'Former', alias: 'fformer', isActive: false, profile: 'Standard User', title: 'Former Employee' },
] as const;

const FIRST = ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth', 'David', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Amélie', 'Jörg', 'Søren', 'Zoë', 'José', 'Chloé', 'Łukasz', 'Renée'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', "O'Brien", 'Müller', 'Dubois', 'Nakamura', 'Kowalski', 'Rossi', 'Andersson', 'Okafor'];
const COMPANY_A = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne', 'Soylent', 'Hooli', 'Vandelay', 'Pied Piper', 'Gringotts', 'Oscorp', 'Aperture', 'Black Mesa', 'Monarch', 'Dunder', 'Sterling'];
const COMPANY_B = ['Industries', 'Corp', 'Systems', 'Holdings', 'Labs', 'Partners', 'Group', 'Logistics', 'Foods', 'Media', 'Energy', 'Health'];
const CITIES = [['San Francisco', 'CA', 'USA'], ['New York', 'NY', 'USA'], ['Austin', 'TX', 'USA'], ['London', null, 'United Kingdom'], ['Paris', null, 'France'], ['Berlin', null, 'Germany'], ['Tokyo', null, 'Japan'], ['Toronto', 'ON', 'Canada']] as const;
const INDUSTRIES = ['Banking', 'Technology', 'Retail', 'Healthcare', 'Manufacturing', 'Energy', 'Media', 'Education', 'Consulting', 'Insurance'];

const DAY = 86_400_000;

const makers = new WeakMap<ObjectSchema, () => RecordRow>();

/**
 * A row with every field of the schema at its default. Made by a function compiled from the schema's field list: an
 * object literal with fixed keys gets V8's fast in-object properties, which measured 845 MB and ~20 s for a million
 * Contacts against 2.2 GB and ~49 s when the keys are added one by one (the generator's hot path).
 */
function blankRow(schema: ObjectSchema): RecordRow {
  let make = makers.get(schema);
  if (!make) {
    const body = schema.fields.map((f) => `${JSON.stringify(f.name)}: ${f.type === 'boolean' ? String(f.defaultValue === true) : 'null'}`).join(', ');
    // The source is built from the org's own schema (quoted field names), never from request data.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const compile = new Function(`return () => ({ ${body} });`) as () => () => RecordRow;
    make = compile();
    makers.set(schema, make);
  }
  return make();
}

type Stamp = { created: string; modified: string; userId: string };

function audit(row: RecordRow, stamp: Stamp): void {
  row.CreatedDate = stamp.created;
  row.CreatedById = stamp.userId;
  row.LastModifiedDate = stamp.modified;
  row.LastModifiedById = stamp.userId;
  row.SystemModstamp = stamp.modified;
}

function schemaOf(store: OrgStore, name: string): ObjectSchema {
  const schema = store.objectSchema(name);
  if (!schema) throw new Error(`The schema has no ${name}.`);
  return schema;
}

const SILENT = { origin: 'seed', userId: '', silent: true } as const;

function put(store: OrgStore, schema: ObjectSchema, values: Record<string, FieldValue>, stamp: Stamp): RecordRow {
  const row = blankRow(schema);
  Object.assign(row, values);
  row.Id = store.newId(schema.name);
  row.IsDeleted = false;
  audit(row, stamp);
  store.insert(schema.name, row, SILENT);
  return row;
}

function autoNumber(store: OrgStore, key: string, prefix: string, width: number): string {
  return `${prefix}${String(store.nextAutoNumber(key)).padStart(width, '0')}`;
}

/** Fills an empty store with the users and queue only (what `seed: false` gives: an org you can still log in to). */
export function seedUsers(store: OrgStore, now: Date): { adminId: string; userIds: string[] } {
  const users = schemaOf(store, 'User');
  const created = formatDateTime(new Date(now.getTime() - 400 * DAY));
  const userIds: string[] = [];
  let adminId = '';
  for (const u of SEED_USERS) {
    const row = blankRow(users);
    row.Id = store.newId('User');
    adminId ||= row.Id;
    Object.assign(row, {
      Username: u.username,
      FirstName: u.firstName,
      LastName: u.lastName,
      Name: `${u.firstName} ${u.lastName}`,
      Alias: u.alias,
      Email: u.username,
      Title: u.title,
      IsActive: u.isActive,
      TimeZoneSidKey: 'GMT',
      ProfileName__c: u.profile,
      IsDeleted: false,
    });
    audit(row, { created, modified: created, userId: adminId });
    store.insert('User', row, SILENT);
    userIds.push(row.Id);
  }
  put(store, schemaOf(store, 'Group'), { Name: 'Support Queue', DeveloperName: 'Support_Queue', Type: 'Queue', Email: 'support@orgdesk.example', OwnerId: adminId }, { created, modified: created, userId: adminId });
  return { adminId, userIds };
}

/** Fills an empty store with the deterministic demo data for this seed number. */
export function seedOrg(store: OrgStore, options: { seed: number; now: Date; size?: SeedSize }): void {
  const size = options.size ?? DEFAULT_SEED_SIZE;
  const random = createRandom(options.seed);
  const nowMs = options.now.getTime();
  const { adminId, userIds } = seedUsers(store, options.now);
  const activeOwners = userIds.slice(0, 4);
  const queueId = [...store.rows('Group', { includeDeleted: false })][0]?.Id as string;
  const stamp = (): Stamp => {
    const createdMs = nowMs - (1 + random.int(365)) * DAY - random.int(DAY);
    const modifiedMs = Math.min(nowMs - 1000, createdMs + random.int(30) * DAY);
    return { created: formatDateTime(new Date(createdMs)), modified: formatDateTime(new Date(modifiedMs)), userId: adminId };
  };

  const accounts = schemaOf(store, 'Account');
  const accountIds: string[] = [];
  for (let i = 1; i <= size.accounts; i += 1) {
    const [city, state, country] = random.pick(CITIES);
    const name = `${random.pick(COMPANY_A)} ${random.pick(COMPANY_B)} ${i}`;
    const row = put(store, accounts, {
      Name: name,
      AccountNumber: `AN-${String(100000 + i)}`,
      Type: random.pick(['Prospect', 'Customer - Direct', 'Customer - Channel', 'Technology Partner']),
      Industry: random.pick(INDUSTRIES),
      Rating: random.pick(['Hot', 'Warm', 'Cold', null]),
      Phone: `+1 415 555 ${String(1000 + (i % 9000)).padStart(4, '0')}`,
      Website: `https://www.${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example`,
      AnnualRevenue: random.next() < 0.2 ? null : (1 + random.int(500)) * 100_000,
      NumberOfEmployees: random.next() < 0.1 ? null : 5 + random.int(20_000),
      BillingCity: city,
      BillingState: state,
      BillingCountry: country,
      Description: random.next() < 0.3 ? `Seeded account number ${i}.\nSecond line with "quotes", commas, and ünïcödé.` : null,
      External_Id__c: `ACC-${String(i).padStart(5, '0')}`,
      ParentId: i > 20 && random.next() < 0.1 ? (accountIds[random.int(20)] ?? null) : null,
      OwnerId: random.pick(activeOwners),
    }, stamp());
    accountIds.push(row.Id as string);
  }

  const contactIds = generateContactsInto(store, size.contacts, { random, accountIds, ownerIds: activeOwners, stamp, externalIdPrefix: 'CON-', withoutAccountRate: 0.1 });

  const opportunities = schemaOf(store, 'Opportunity');
  for (let i = 1; i <= size.opportunities; i += 1) {
    const stage = random.pick(OPPORTUNITY_STAGES);
    put(store, opportunities, {
      AccountId: random.pick(accountIds),
      Name: `Opportunity ${i}`,
      StageName: stage,
      CloseDate: formatDate(new Date(nowMs + (random.int(240) - 120) * DAY)),
      Amount: random.next() < 0.1 ? null : (1 + random.int(1000)) * 500,
      Probability: stage === 'Closed Won' ? 100 : stage === 'Closed Lost' ? 0 : 10 + random.int(80),
      Type: random.pick(['Existing Customer - Upgrade', 'New Customer', null]),
      LeadSource: random.pick(['Web', 'Phone Inquiry', 'Partner Referral', null]),
      IsClosed: stage === 'Closed Won' || stage === 'Closed Lost',
      IsWon: stage === 'Closed Won',
      OwnerId: random.pick(activeOwners),
    }, stamp());
  }

  const cases = schemaOf(store, 'Case');
  for (let i = 1; i <= size.cases; i += 1) {
    const status = random.pick(['New', 'Working', 'Escalated', 'Closed']);
    const contactId = contactIds[random.int(contactIds.length)] ?? null;
    const contact = contactId === null ? undefined : store.findById(contactId)?.row;
    const s = stamp();
    put(store, cases, {
      CaseNumber: autoNumber(store, 'Case.CaseNumber', '', 8),
      AccountId: contact?.AccountId ?? null,
      ContactId: contactId,
      Subject: `Case ${i}: ${random.pick(['Cannot log in', 'Invoice question', 'Feature request', 'Data export fails', 'Slow page'])}`,
      Status: status,
      Priority: random.pick(['High', 'Medium', 'Low']),
      Origin: random.pick(['Phone', 'Email', 'Web']),
      Type: random.pick(['Question', 'Problem', 'Feature Request']),
      IsClosed: status === 'Closed',
      ClosedDate: status === 'Closed' ? s.modified : null,
      OwnerId: random.next() < 0.25 ? queueId : random.pick(activeOwners),
    }, s);
  }

  const leads = schemaOf(store, 'Lead');
  for (let i = 1; i <= size.leads; i += 1) {
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    put(store, leads, {
      FirstName: first,
      LastName: last,
      Name: `${first} ${last}`,
      Company: `${random.pick(COMPANY_A)} ${random.pick(COMPANY_B)}`,
      Email: `lead${i}@leads.example`,
      Status: random.pick(['Open - Not Contacted', 'Working - Contacted', 'Closed - Not Converted']),
      LeadSource: random.pick(['Web', 'Phone Inquiry', 'Purchased List', null]),
      Industry: random.pick(INDUSTRIES),
      City: random.pick(CITIES)[0],
      OwnerId: random.next() < 0.2 ? queueId : random.pick(activeOwners),
    }, stamp());
  }

  const invoices = schemaOf(store, 'Invoice__c');
  for (let i = 1; i <= size.invoices; i += 1) {
    put(store, invoices, {
      Name: autoNumber(store, 'Invoice__c.Name', 'INV-', 6),
      Account__c: random.next() < 0.05 ? null : random.pick(accountIds),
      External_Id__c: `INV-EXT-${String(i).padStart(6, '0')}`,
      Status__c: random.pick(INVOICE_STATUSES),
      Amount__c: Math.round(random.next() * 5_000_000) / 100,
      Due_Date__c: formatDate(new Date(nowMs + (random.int(180) - 90) * DAY)),
      OwnerId: random.pick(activeOwners),
    }, stamp());
  }
}

type ContactGeneration = {
  random: ReturnType<typeof createRandom>;
  accountIds: readonly string[];
  ownerIds: readonly string[];
  stamp: () => Stamp;
  externalIdPrefix: string;
  withoutAccountRate: number;
};

function generateContactsInto(store: OrgStore, n: number, g: ContactGeneration): string[] {
  const contacts = schemaOf(store, 'Contact');
  const ids: string[] = [];
  const start = store.count('Contact', { includeDeleted: true });
  for (let i = 1; i <= n; i += 1) {
    const first = g.random.pick(FIRST);
    const last = g.random.pick(LAST);
    const seq = start + i;
    const row = put(store, contacts, {
      AccountId: g.accountIds.length === 0 || g.random.next() < g.withoutAccountRate ? null : (g.accountIds[g.random.int(g.accountIds.length)] ?? null),
      FirstName: first,
      LastName: last,
      Name: `${first} ${last}`,
      Title: g.random.pick(['CEO', 'CFO', 'VP Sales', 'Engineer', 'Buyer', null]),
      Email: `contact${seq}@example.com`,
      Phone: `+1 650 555 ${String(seq % 10000).padStart(4, '0')}`,
      Birthdate: g.random.next() < 0.5 ? null : formatDate(new Date(Date.UTC(1950 + g.random.int(50), g.random.int(12), 1 + g.random.int(28)))),
      LeadSource: g.random.pick(['Web', 'Phone Inquiry', 'Partner Referral', null]),
      MailingCity: g.random.pick(CITIES)[0],
      External_Id__c: `${g.externalIdPrefix}${String(seq).padStart(6, '0')}`,
      OwnerId: g.ownerIds[g.random.int(g.ownerIds.length)] ?? null,
    }, g.stamp());
    ids.push(row.Id as string);
  }
  return ids;
}

/** Adds `n` generated Contacts (spread over existing Accounts, some without one) quickly, without change events. */
export function generateContacts(store: OrgStore, n: number, options: { seed?: number; now: Date; externalIdPrefix?: string }): string[] {
  const random = createRandom(options.seed ?? 7);
  const accountIds = [...store.rows('Account', { includeDeleted: false })].map((r) => r.Id as string);
  const ownerIds = [...store.rows('User', { includeDeleted: false })].filter((r) => r.IsActive === true).map((r) => r.Id as string);
  const created = formatDateTime(options.now);
  const userId = ownerIds[0] ?? '';
  return generateContactsInto(store, n, {
    random,
    accountIds,
    ownerIds,
    stamp: () => ({ created, modified: created, userId }),
    externalIdPrefix: options.externalIdPrefix ?? 'GEN-',
    withoutAccountRate: 0.1,
  });
}
