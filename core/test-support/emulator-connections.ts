import { createFetchTransport, createSalesforceClient, createSystemClock, type BusyRetryPolicy, type HttpTransport, type RetryPolicy, type SalesforceSession, type SessionAccess } from '../salesforce';
import type { EventsConnection, EventsConnections } from '../events/events-service';
import type { QueryConnection } from '../query/ports';

/**
 * Test and bench support: connections to a running emulator through the real Salesforce client, with sessions minted by
 * the emulator's admin API (`POST /__emulator/sessions`) instead of the JWT flow the orgs service uses. A 401 mid-run
 * goes through the client's own re-login, which calls `renew` here; `logins` counts the sessions minted. A test may pass
 * its own `transport` (wrapping the fetch one) to watch the requests, and shorter `busy` and `retry` policies than the real ones.
 */
export function createEmulatorConnections(options: { url: string; username: string; apiVersion?: string; pubsubEndpoint?: string; transport?: HttpTransport; busy?: BusyRetryPolicy; retry?: RetryPolicy }): {
  readonly logins: number;
  connection: EmulatorConnection;
  connectionFor: (orgId: string) => Promise<EmulatorConnection>;
} {
  let logins = 0;
  let current: Promise<SessionAccess> | null = null;
  const login = async (): Promise<SessionAccess> => {
    logins += 1;
    const response = await fetch(`${options.url}/__emulator/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: options.username }),
    });
    if (!response.ok) throw new Error(`The emulator refused a session for ${options.username}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { access_token: string; instance_url: string; id: string };
    return { accessToken: body.access_token, instanceUrl: body.instance_url, identityUrl: body.id, orgId: '', userId: '' };
  };
  const session: SalesforceSession = {
    loginUrl: options.url,
    access: () => (current ??= login()),
    async renew(stale) {
      const now = current === null ? null : await current;
      if (now !== null && now.accessToken !== stale.accessToken) return now;
      current = login();
      return current;
    },
  };
  const client = createSalesforceClient({
    session,
    transport: options.transport ?? createFetchTransport(),
    clock: createSystemClock(),
    ...(options.busy === undefined ? {} : { busy: options.busy }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  const connection: EmulatorConnection = { client, session, apiVersion: options.apiVersion ?? '62.0', pubsubEndpoint: options.pubsubEndpoint ?? null };
  return {
    get logins() {
      return logins;
    },
    connection,
    connectionFor: () => Promise.resolve(connection),
  };
}

/** A connection to the emulator that serves the query and load services and, with its session, the events service. */
export type EmulatorConnection = QueryConnection & EventsConnection;

/** Events connections to a running emulator: the same sessions, at the newest API version the streaming tests use, and its Pub/Sub endpoint. */
export function createEmulatorEventsConnections(options: { url: string; username: string; apiVersion?: string; pubsubEndpoint?: string }): EventsConnections & {
  readonly logins: number;
  connection: EventsConnection;
} {
  return createEmulatorConnections({ ...options, apiVersion: options.apiVersion ?? '66.0' });
}

/** Calls the emulator's admin API and returns its JSON answer (undefined for 204). */
export async function emulatorAdmin(url: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${url}/__emulator/${path}`, init);
  if (!response.ok) throw new Error(`Admin ${method} ${path} failed: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}
