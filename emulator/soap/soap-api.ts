/**
 * The one SOAP call the local org answers: the partner API's `undelete()` at `POST /services/Soap/u/<version>` (REST has no
 * undelete). The session is the `SessionHeader`'s `sessionId` (an access token, as in a real org); answers are the real
 * envelopes: `undeleteResponse` with one `result` per id in order, and `soapenv:Fault` with HTTP 500 for an unusable request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from '../core';
import { normalizeId } from '../org/ids';
import { RecordWriteError } from '../org/write';
import { readText } from '../http/respond';

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
/** The most ids one undelete() takes, as in a real org. */
const MAX_IDS = 200;
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Whether a path is the SOAP partner endpoint (`/services/Soap/u/66.0`, optionally followed by the org id). */
export function isSoapPartnerPath(path: string): boolean {
  return /^\/services\/Soap\/u\/\d+\.\d+(\/[^/]*)?$/.test(path);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** A SOAP fault envelope as the partner API sends it (`sf:<code>` faultcode, `UnexpectedErrorFault` detail). */
export function soapFault(code: string, message: string, faultType = 'UnexpectedErrorFault'): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:sf="urn:fault.partner.soap.sforce.com" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:${code}</faultcode>` +
    `<faultstring>${escapeXml(`${code}: ${message}`)}</faultstring><detail><sf:${faultType} xsi:type="sf:${faultType}">` +
    `<sf:exceptionCode>${code}</sf:exceptionCode><sf:exceptionMessage>${escapeXml(message)}</sf:exceptionMessage></sf:${faultType}></detail>` +
    `</soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  );
}

/** Writes an XML answer (`text/xml;charset=UTF-8`). */
export function sendXml(res: ServerResponse, status: number, xml: string): void {
  if (res.headersSent || res.destroyed) return;
  res.setHeader('Content-Type', 'text/xml;charset=UTF-8');
  res.setHeader('Content-Length', Buffer.byteLength(xml));
  res.writeHead(status);
  res.end(xml);
}

/** The text of every element with this local name (any prefix), in document order. */
function elements(xml: string, localName: string): string[] {
  const pattern = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${localName}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[A-Za-z_][\\w.-]*:)?${localName}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => unescapeXml((match[1] ?? '').trim()));
}

type UndeleteOutcome = { id: string | null; error: { statusCode: string; message: string } | null };

function resultXml(outcome: UndeleteOutcome): string {
  const errors = outcome.error === null ? '' : `<errors><message>${escapeXml(outcome.error.message)}</message><statusCode>${outcome.error.statusCode}</statusCode></errors>`;
  const id = outcome.id === null ? '<id xsi:nil="true"/>' : `<id>${outcome.id}</id>`;
  return `<result>${errors}${id}<success>${outcome.error === null}</success></result>`;
}

/** Brings one record back from the recycle bin (its unique values must still be free); a record not in it fails. */
function undeleteOne(core: EmulatorCore, rawId: string, userId: string): UndeleteOutcome {
  const id = normalizeId(rawId);
  if (id === undefined) return { id: null, error: { statusCode: 'MALFORMED_ID', message: `bad id ${rawId}` } };
  const hit = core.store.findById(id);
  if (!hit || hit.row.IsDeleted !== true) return { id, error: { statusCode: 'UNDELETE_FAILED', message: 'Entity is not in the recycle bin' } };
  const schema = core.store.objectSchema(hit.objectName);
  for (const field of schema?.fields ?? []) {
    const value = hit.row[field.name];
    if (!field.unique || value === null || value === undefined || value === '') continue;
    if (core.store.findByIndexedValue(hit.objectName, field.name, String(value)).length > 0) {
      return { id, error: { statusCode: 'DUPLICATE_VALUE', message: `duplicate value found: ${field.name} duplicates value on record with id: ${String(value)}` } };
    }
  }
  try {
    core.store.undelete(hit.objectName, id, { origin: 'soap', userId });
    return { id, error: null };
  } catch (error) {
    if (error instanceof RecordWriteError) {
      const first = error.errors[0];
      return { id, error: { statusCode: first?.statusCode ?? 'UNKNOWN_EXCEPTION', message: first?.message ?? error.message } };
    }
    throw error;
  }
}

/** Answers a request to the SOAP partner endpoint. */
export async function handleSoap(req: IncomingMessage, res: ServerResponse, core: EmulatorCore): Promise<void> {
  if ((req.method ?? '').toUpperCase() !== 'POST') {
    req.resume();
    return sendXml(res, 500, soapFault('INVALID_OPERATION', 'The SOAP API only answers POST requests.'));
  }
  const read = await readText(req, MAX_BODY_BYTES);
  if (!read.ok) {
    if (read.reason === 'aborted') return;
    return sendXml(res, 500, soapFault('EXCEEDED_MAX_SIZE_REQUEST', 'Request size exceeded the limit.'));
  }
  const xml = read.text;
  if (!/<(?:\w+:)?Envelope[\s>]/.test(xml) || !/<(?:\w+:)?Body[\s>]/.test(xml)) {
    return sendXml(res, 500, soapFault('INVALID_REQUEST', 'The request is not a SOAP envelope (Envelope and Body expected).', 'ApiFault'));
  }
  const token = elements(xml, 'sessionId')[0];
  const session = token === undefined ? undefined : core.sessions.use(token);
  if (!session) return sendXml(res, 500, soapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session'));
  const call = elements(xml, 'undelete')[0];
  if (call === undefined) {
    const name = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(xml)?.[1] ?? 'unknown';
    return sendXml(res, 500, soapFault('INVALID_OPERATION', `The local org answers only undelete() over SOAP, not ${name}().`));
  }
  if (!core.usage.consume()) return sendXml(res, 500, soapFault('REQUEST_LIMIT_EXCEEDED', `TotalRequests Limit exceeded.`));
  const ids = elements(call, 'ids');
  if (ids.length > MAX_IDS) {
    return sendXml(res, 500, soapFault('EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_IDS} records into this call`));
  }
  const results = ids.map((id) => resultXml(undeleteOne(core, id, session.userId)));
  sendXml(
    res,
    200,
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns="urn:partner.soap.sforce.com" ` +
      `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header><LimitInfoHeader><limitInfo><current>${core.usage.used()}</current>` +
      `<limit>${core.usage.max()}</limit><type>API REQUESTS</type></limitInfo></LimitInfoHeader></soapenv:Header>` +
      `<soapenv:Body><undeleteResponse>${results.join('')}</undeleteResponse></soapenv:Body></soapenv:Envelope>`,
  );
}
