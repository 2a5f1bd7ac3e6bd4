import { ServiceError } from '../errors';
import type { SalesforceClient } from './salesforce-client';

/** The most ids one `undelete()` call takes. */
export const UNDELETE_CHUNK = 200;

/** What `undelete()` said of one id: its record is back (`error` null) or why not (`UNDELETE_FAILED`, `DUPLICATE_VALUE`...). */
export type UndeleteResult = { id: string; error: { statusCode: string; message: string } | null };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function first(xml: string, name: string): string | undefined {
  const match = new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:\\w+:)?${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : unescapeXml(match[1]);
}

/** The partner envelope of one `undelete()` call. */
function undeleteEnvelope(sessionId: string, ids: readonly string[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">' +
    `<soapenv:Header><urn:SessionHeader><urn:sessionId>${escapeXml(sessionId)}</urn:sessionId></urn:SessionHeader></soapenv:Header>` +
    `<soapenv:Body><urn:undelete>${ids.map((id) => `<urn:ids>${escapeXml(id)}</urn:ids>`).join('')}</urn:undelete></soapenv:Body></soapenv:Envelope>`
  );
}

/** Reads an `undeleteResponse`: one result per id, in the order sent. */
function parseUndeleteResponse(xml: string, ids: readonly string[]): UndeleteResult[] {
  const results = [...xml.matchAll(/<(?:\w+:)?result(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?result>/g)].map((match) => match[1] ?? '');
  if (results.length !== ids.length) {
    throw new ServiceError('SF_API', `Salesforce answered undelete() of ${ids.length} records with ${results.length} results.`, 'Check those records in the recycle bin, then run the undo again.');
  }
  return results.map((result, at) => {
    const success = first(result, 'success') === 'true';
    const errors = first(result, 'errors') ?? '';
    return {
      id: first(result, 'id') ?? ids[at] ?? '',
      error: success ? null : { statusCode: first(errors, 'statusCode') ?? 'UNKNOWN_EXCEPTION', message: first(errors, 'message') ?? 'undelete failed' },
    };
  });
}

/**
 * Brings records back from the recycle bin with the SOAP partner API's `undelete()` (REST has no such call), at most 200
 * ids a call (`POST /services/Soap/u/<version>`, the session in the SessionHeader). A fault (bad session, a limit) throws.
 */
export async function undeleteRecords(client: SalesforceClient, apiVersion: string, ids: readonly string[], signal?: AbortSignal): Promise<UndeleteResult[]> {
  if (ids.length > UNDELETE_CHUNK) throw new ServiceError('INTERNAL', `undelete() takes at most ${UNDELETE_CHUNK} ids, not ${ids.length}.`, 'Send them in chunks.');
  if (ids.length === 0) return [];
  const access = await client.access();
  const response = await client.request('POST', `/services/Soap/u/${apiVersion}`, {
    body: undeleteEnvelope(access.accessToken, ids),
    headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: '""', Accept: 'text/xml' },
    idempotent: true,
    signal,
  });
  return parseUndeleteResponse(await response.text(), ids);
}
