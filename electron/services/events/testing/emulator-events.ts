import { createFetchTransport, createSalesforceClient, createSystemClock, type SalesforceSession, type SessionAccess } from '../../salesforce';
import type { EventsConnection, EventsConnections } from '../events-service';

/**
 * Test and bench support: an events connection to a running emulator through the real Salesforce client, with sessions
 * minted by the emulator's admin API (`POST /__emulator/sessions`) instead of the JWT flow. The stream's re-login after a
 * `401::Authentication invalid` calls `renew` here; `logins` counts the sessions minted.
 */
export function createEmulatorEventsConnections(options: { url: string; username: string; apiVersion?: string }): EventsConnections & {
  readonly logins: number;
  connection: EventsConnection;
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
  const client = createSalesforceClient({ session, transport: createFetchTransport(), clock: createSystemClock() });
  const connection: EventsConnection = { client, session, apiVersion: options.apiVersion ?? '66.0' };
  return {
    get logins() {
      return logins;
    },
    connection,
    connectionFor: () => Promise.resolve(connection),
  };
}
