/**
 * A small org with the Bulk routes on a loopback HTTP server, for the Bulk tests that exercise the routes alone (the
 * end-to-end tests use the whole emulator). Every request is treated as coming from the seeded admin user.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchemas } from '../org/schema';
import { seedUsers } from '../org/seed';
import { type OrgStore, createOrgStore } from '../org/store';
import { createRecordWriter } from '../org/write';
import { type BulkRoutes, type BulkRoutesOptions, createBulkRoutes } from './index';

/** A running test org. */
export type BulkTestOrg = {
  url: string;
  store: OrgStore;
  bulk: BulkRoutes;
  adminId: string;
  /** `${url}/services/data/v${version}` */
  base(version?: string): string;
  close(): Promise<void>;
};

/** Starts a test org on 127.0.0.1:0. */
export async function startBulkTestOrg(options: Partial<Pick<BulkRoutesOptions, 'maxUploadBytes' | 'chunkSize' | 'queryPageSize' | 'now'>> = {}): Promise<BulkTestOrg> {
  const store = createOrgStore(buildSchemas());
  const { adminId } = seedUsers(store, new Date());
  const writer = createRecordWriter({ store, now: () => new Date() });
  const bulk = createBulkRoutes({ store, writer, ...options });
  const server: Server = createServer((req, res) => {
    bulk.handle(req, res, { userId: adminId }).then(
      (handled) => {
        if (!handled) {
          res.writeHead(404);
          res.end();
        }
      },
      (error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    store,
    bulk,
    adminId,
    base: (version = '62.0') => `${url}/services/data/v${version}`,
    close: async () => {
      bulk.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
