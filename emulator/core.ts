/** The parts of one running org that every route shares. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectedAppRegistry } from './auth/connected-apps';
import type { Session, SessionStore } from './auth/sessions';
import type { ApiUsage } from './http/api-usage';
import type { FaultTable } from './http/faults';
import type { OrgStore } from './org/store';
import type { RecordWriter } from './org/write';

/** The per-request facts a REST extension receives once the router has checked the version, the session and the limit. */
export type RestRequestContext = { userId: string; session: Session; apiVersion: number; versionText: string; url: URL };

/** A part of the REST API added from outside the core router (Bulk API 2.0): resolves true when it answered. */
export interface RestExtension {
  /** Answers the request if the path is its own; must not touch `res` otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, ctx: RestRequestContext): Promise<boolean>;
}

/** Counters of requests served, by area and status. */
export type RequestCounters = { total: number; byArea: Record<string, number>; byStatus: Record<string, number> };

/** The query resources (implemented in `emulator/soql`). */
type QueryHandler = {
  handle(request: {
    resource: 'query' | 'queryAll';
    locator: string | null;
    search: URLSearchParams;
    apiVersion: string;
    headers: Record<string, string | undefined>;
  }): { status: number; body: unknown; headers?: Record<string, string> };
};

/** One running org's shared state. */
export type EmulatorCore = {
  store: OrgStore;
  writer: RecordWriter;
  sessions: SessionStore;
  apps: ConnectedAppRegistry;
  usage: ApiUsage;
  faults: FaultTable;
  query: QueryHandler;
  extensions: RestExtension[];
  counters: RequestCounters;
  /** Bulk API allocations used (DailyBulkApiBatches, DailyBulkV2QueryJobs in `/limits`). */
  bulkUsage?: () => { batches: number; queryJobs: number };
  /** The emulator's base URL (`http://127.0.0.1:<port>`). */
  url: () => string;
  orgId15: string;
  orgId18: string;
  now: () => Date;
  /** Entries the global describe lists besides the stored objects (the `*ChangeEvent` entities). */
  extraDescribeEntries?: (apiVersion: string) => Record<string, unknown>[];
  /** Answers `/cometd/<version>` (the Streaming API). */
  cometd?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
};
