import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';

let org: TestOrg;
const SOAP = '/services/Soap/u/66.0';

beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(async () => {
  await org.emulator.stop();
});
beforeEach(() => {
  org.emulator.admin.clearFaults();
});

function envelope(ids: string[], token = org.token): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">' +
    `<soapenv:Header><urn:SessionHeader><urn:sessionId>${token}</urn:sessionId></urn:SessionHeader></soapenv:Header>` +
    `<soapenv:Body><urn:undelete>${ids.map((id) => `<urn:ids>${id}</urn:ids>`).join('')}</urn:undelete></soapenv:Body></soapenv:Envelope>`
  );
}

async function soap(body: string): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(`${org.url}${SOAP}`, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: '""' }, body });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

async function newAccount(name: string): Promise<string> {
  const created = await org.call('/services/data/v66.0/sobjects/Account', { method: 'POST', json: { Name: name } });
  return (created.body as { id: string }).id;
}

describe('SOAP undelete()', () => {
  it('brings soft-deleted records back with their ids, one result per id in order', async () => {
    const a = await newAccount('Undelete A');
    const b = await newAccount('Undelete B');
    expect((await org.call(`/services/data/v66.0/sobjects/Account/${a}`, { method: 'DELETE' })).status).toBe(204);
    expect((await org.call(`/services/data/v66.0/sobjects/Account/${b}`, { method: 'DELETE' })).status).toBe(204);
    const answer = await soap(envelope([a, b]));
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('text/xml;charset=UTF-8');
    expect(answer.text).toContain('<undeleteResponse>');
    expect([...answer.text.matchAll(/<result><id>(\w+)<\/id><success>true<\/success><\/result>/g)].map((m) => m[1])).toEqual([a, b]);
    const back = await org.call(`/services/data/v66.0/sobjects/Account/${a}`);
    expect(back.status).toBe(200);
    expect((back.body as { Name: string }).Name).toBe('Undelete A');
  });

  it('fails per record for an id not in the recycle bin and a malformed one', async () => {
    const live = await newAccount('Never deleted');
    const answer = await soap(envelope([live, 'nonsense']));
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(`<result><errors><message>Entity is not in the recycle bin</message><statusCode>UNDELETE_FAILED</statusCode></errors><id>${live}</id><success>false</success></result>`);
    expect(answer.text).toContain('<statusCode>MALFORMED_ID</statusCode></errors><id xsi:nil="true"/><success>false</success>');
  });

  it('refuses an unknown session, more than 200 ids, and other calls with SOAP faults (HTTP 500)', async () => {
    const bad = await soap(envelope(['001000000000001AAA'], 'not-a-token'));
    expect(bad.status).toBe(500);
    expect(bad.text).toContain('<faultcode>sf:INVALID_SESSION_ID</faultcode>');
    expect(bad.text).toContain('<sf:exceptionCode>INVALID_SESSION_ID</sf:exceptionCode>');
    const many = await soap(envelope(Array.from({ length: 201 }, () => '001000000000001AAA')));
    expect(many.status).toBe(500);
    expect(many.text).toContain('sf:EXCEEDED_ID_LIMIT');
    const other = await soap(envelope([]).replace(/undelete/g, 'retrieve'));
    expect(other.text).toContain('sf:INVALID_OPERATION');
  });

  it('answers injected faults on the SOAP path as SOAP faults', async () => {
    org.emulator.admin.addFault({ kind: 'error', status: 503, path: '/services/Soap/*' });
    const answer = await soap(envelope(['001000000000001AAA']));
    expect(answer.status).toBe(503);
    expect(answer.text).toContain('<faultcode>sf:SERVER_UNAVAILABLE</faultcode>');
  });
});
