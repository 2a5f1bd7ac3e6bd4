import { describe, expect, it } from 'vitest';
import { installFakeBridge } from '../../../test/fake-bridge';
import { localOrgDescribe } from '../../../test/local-org-catalog';
import { invoke } from '../../lib/api';
import { completeSoql } from './language/soql-completions';
import { createDescribeCache } from './describe-cache';

describe('describe cache', () => {
  it('fetches the object list and each describe once per org, and completes from them', async () => {
    const fake = installFakeBridge({
      'query:objects': localOrgDescribe().objects,
      'query:describe': (args) => localOrgDescribe().describes.find((o) => o.name === args.objectName) ?? { error: { code: 'NOT_FOUND', message: 'no' } },
    });
    const cache = createDescribeCache(invoke);
    const catalog = cache.catalogFor('org1');
    const labels = (await completeSoql('SELECT Name, (SELECT  FROM Contacts) FROM Account', 21, catalog)).map((c) => c.label);
    expect(labels).toContain('LastName');
    await completeSoql('SELECT | FROM Account', 7, cache.catalogFor('org1'));
    const calls = fake.calls.map((c) => `${c.channel} ${JSON.stringify(c.args)}`);
    expect(calls).toEqual([
      'query:objects {"orgId":"org1"}',
      'query:describe {"orgId":"org1","objectName":"Account"}',
      'query:describe {"orgId":"org1","objectName":"Contact"}',
    ]);
    await cache.catalogFor('org2').objects();
    expect(fake.calls.at(-1)?.args).toEqual({ orgId: 'org2' });
  });

  it('asks main to refresh after refresh() and retries after a failure', async () => {
    const errors: string[] = [];
    const fake = installFakeBridge({ 'query:objects': { error: { code: 'NETWORK', message: 'down' } } });
    const cache = createDescribeCache(invoke, (e) => errors.push(e.message));
    expect(await cache.catalogFor('o').objects()).toEqual([]);
    expect(errors).toEqual(['down']);
    fake.answer('query:objects', localOrgDescribe().objects);
    expect(await cache.catalogFor('o').objects()).toHaveLength(localOrgDescribe().objects.length);
    cache.catalogFor('o').refresh();
    await cache.catalogFor('o').objects();
    expect(fake.calls.at(-1)?.args).toEqual({ orgId: 'o', refresh: true });
  });

  it('answers null for an object the org does not have without calling describe', async () => {
    const fake = installFakeBridge({ 'query:objects': localOrgDescribe().objects });
    expect(await createDescribeCache(invoke).catalogFor('o').describe('Nope__c')).toBeNull();
    expect(fake.calls.map((c) => c.channel)).toEqual(['query:objects']);
  });

  it('describes an object once the object list answers, after a first attempt whose list call failed', async () => {
    const fake = installFakeBridge({ 'query:objects': { error: { code: 'AUTH', message: 'not connected yet' } } });
    const catalog = createDescribeCache(invoke).catalogFor('o');
    expect(await catalog.describe('Account')).toBeNull();
    fake.answer('query:objects', localOrgDescribe().objects);
    fake.answer('query:describe', (args) => localOrgDescribe().describes.find((o) => o.name === args.objectName) ?? { error: { code: 'NOT_FOUND', message: 'no' } });
    expect((await catalog.describe('Account'))?.name).toBe('Account');
  });
});
