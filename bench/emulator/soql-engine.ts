/**
 * The SOQL engine over 1M Contacts in the in-memory test org: a full scan with a filter, a scan plus multi-key sort,
 * a parent-path filter, a GROUP BY, and paging through `/query` locators. Printed, not asserted
 * (run: `npx tsx bench/emulator/soql-engine.ts [rows]`).
 */
/* eslint-disable no-restricted-imports -- this bench measures the engine in-process, below HTTP and auth, which the
   emulator's public entry deliberately does not expose; the HTTP paging figure belongs to the REST bench. */
import { createQueryRoutes, executeSoql, runSoql } from '../../emulator/soql/index';
import { createTestOrg } from '../../emulator/soql/soql-test-org';

const rows = Number(process.argv[2] ?? 1_000_000);
const now = new Date('2026-11-28T12:00:00Z');
const options = { includeDeleted: false, now, apiVersion: '60.0' };

const org = createTestOrg();
let t = performance.now();
for (let i = 0; i < 100; i++) org.add('Account', { Id: `001${String(i).padStart(12, '0')}AAA`, Name: `Account ${i}`, Industry: i % 2 ? 'Finance' : 'Technology' });
for (let i = 0; i < rows; i++) {
  org.add('Contact', {
    Id: `003${String(i).padStart(12, '0')}AAA`,
    FirstName: `First${i % 1000}`,
    LastName: `Last${(i * 7919) % rows}`,
    Email: `person${i}@example.com`,
    Birthdate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    AccountId: i % 10 === 0 ? null : `001${String(i % 100).padStart(12, '0')}AAA`,
    CreatedDate: `2026-${String(1 + (i % 11)).padStart(2, '0')}-15T10:00:00.000+0000`,
  });
}
console.log(`seeded ${rows} Contacts in ${(performance.now() - t).toFixed(0)} ms`);

function time(label: string, fn: () => number): void {
  const start = performance.now();
  const count = fn();
  console.log(`${label}: ${count} rows in ${(performance.now() - start).toFixed(0)} ms`);
}

time('filter scan (LIKE + range)', () => runSoql(org, "SELECT Id FROM Contact WHERE LastName LIKE 'Last1%' AND Birthdate > 1970-01-01", options).totalSize);
time('full scan + sort (2 keys)', () => runSoql(org, 'SELECT Id, LastName FROM Contact ORDER BY LastName DESC, FirstName', options).totalSize);
time('full scan + sort + LIMIT 2000 projected', () => executeSoql(org, 'SELECT Id, LastName, Account.Name FROM Contact ORDER BY LastName LIMIT 2000', options).records.length);
time('parent-path filter', () => runSoql(org, "SELECT Id FROM Contact WHERE Account.Industry = 'Finance'", options).totalSize);
time('relative date filter', () => runSoql(org, 'SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:90', options).totalSize);
time('GROUP BY', () => executeSoql(org, 'SELECT AccountId, COUNT(Id) FROM Contact GROUP BY AccountId', options).totalSize);
time('COUNT()', () => executeSoql(org, 'SELECT COUNT() FROM Contact', options).totalSize);

const routes = createQueryRoutes({ org, now: () => now });
t = performance.now();
let response = routes.handle({
  resource: 'query',
  locator: null,
  search: new URLSearchParams({ q: 'SELECT Id, FirstName, LastName, Email, Account.Name FROM Contact' }),
  apiVersion: '60.0',
  headers: {},
});
let served = 0;
for (;;) {
  const body = response.body as { records: unknown[]; nextRecordsUrl?: string };
  served += body.records.length;
  JSON.stringify(body);
  if (body.nextRecordsUrl === undefined) break;
  response = routes.handle({
    resource: 'query',
    locator: body.nextRecordsUrl.split('/').pop() ?? '',
    search: new URLSearchParams(),
    apiVersion: '60.0',
    headers: {},
  });
}
const seconds = (performance.now() - t) / 1000;
console.log(`paged /query: ${served} records in ${seconds.toFixed(2)} s (${Math.round(served / seconds)} records/s, incl. JSON.stringify)`);
