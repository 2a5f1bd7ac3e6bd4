/** The programmatic admin of a running emulator: what `/__emulator/*` exposes over HTTP, as functions for tests. */
import type { PermittedUsers } from '../auth/connected-apps';
import type { RequestCounters } from '../core';
import type { Fault, FaultSpec } from '../http/faults';
import type { LockContention, LockContentionSettings } from '../bulk/record-locks';
import type { FieldEdit } from '../org/schema-edits';
import type { ObjectSchema } from '../org/types';
import type { PubSubAdmin } from '../pubsub';
import type { StreamingAdmin } from '../streaming';

/** A user as the admin API lists it. */
export type AdminUser = { id: string; username: string; name: string; email: string | null; isActive: boolean; profile: string | null };

/** A session minted by the admin shortcut, shaped like a token response. */
export type AdminSession = { access_token: string; instance_url: string; id: string; token_type: 'Bearer'; scope: string };

/** Registration of a connected app for the JWT bearer flow. */
export type ConnectedAppInput = { consumerKey: string; certificate: string; preAuthorizedUsernames?: string[]; permittedUsers?: PermittedUsers; name?: string };

/** Counters of the admin API. */
export type AdminCounters = RequestCounters & { apiUsage: { used: number; max: number }; sessions: number };

/** The admin operations. */
export interface EmulatorAdmin {
  /** Every user of the org. */
  users(): AdminUser[];
  /** Adds a user (active unless told otherwise). */
  addUser(input: { username: string; lastName: string; firstName?: string; email?: string; isActive?: boolean; profile?: string }): AdminUser;
  /** Activates or deactivates a user. */
  setUserActive(username: string, isActive: boolean): AdminUser;
  /** Registers (or replaces) a connected app. */
  registerConnectedApp(input: ConnectedAppInput): Promise<{ consumerKey: string; name: string }>;
  /** Mints a session for a user without the OAuth dance (tests). */
  createSession(username: string): AdminSession;
  /** Ends every session (the next REST call gets 401 INVALID_SESSION_ID). */
  expireSessions(): void;
  /** Changes the inactivity timeout of sessions. */
  setSessionTimeout(ms: number): void;
  /** Restores the seeded org: data, describe edits, API usage, faults and counters (users, apps and sessions stay valid: seeded ids are deterministic). */
  reset(options?: { seed?: number | false }): void;
  /** Arms a fault (`latency`, `error`, `reset`, or an action: `expire-sessions`, `api-limit`, `bulk-*`). */
  addFault(spec: FaultSpec): Fault | { applied: string };
  /** The armed faults. */
  faults(): Fault[];
  /** Disarms one fault by id, or every fault. */
  clearFaults(id?: string): boolean;
  /** Edits an object's describe at run time (a field made read-only, or removed); answers the object's schema after it. */
  editSchema(objectName: string, edit: FieldEdit): ObjectSchema;
  /** Puts every object edited with `editSchema` back as the schema defines it (a reset does too). */
  undoSchemaEdits(): void;
  /** Sets how many API calls remain today. */
  setRemainingApiCalls(remaining: number): void;
  /** The simulated Bulk lock contention in force, or null when off. */
  lockContention(): LockContentionSettings | null;
  /** Turns the simulated Bulk lock contention on (with these settings) or off (null); answers what is in force. */
  setLockContention(settings: LockContention | null): LockContentionSettings | null;
  /** Requests served, API usage and live sessions. */
  counters(): AdminCounters;
  /** Adds `count` generated Contacts; returns their number. */
  generateContacts(count: number): number;
  /** Writes the org to `dataDir` now (no-op without one). */
  save(): void;
  /** The Streaming API: gap events, clients, subscribers, pause/resume, dropping a client or its session. */
  streaming: StreamingAdmin;
  /** The Pub/Sub API: managed subscriptions, open streams, the keepalive interval. */
  pubsub: PubSubAdmin;
}
