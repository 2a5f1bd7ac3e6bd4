import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach } from 'vitest';
import type { LoadOperation, LoadOptions, LoadPlan } from '../../shared/ipc/domains/load';
import type { LoadService } from '../load';
import type { LoadServiceOptions } from '../load/load-service';
import { openDatabase, type OrgDeskDatabase } from '../store';
import { createEmulatorConnections } from './emulator-connections';
import { ADMIN, API, type EmulatorFixture } from './emulator-fixture';
import { createTestLoadService } from './load-service-fixture';

/** Load tests' shared scaffolding: a temp folder, load services on its database, CSV files, and the org as the admin sees it. */
export type LoadBench = {
  readonly dir: string;
  readonly loadsDir: string;
  service(overrides?: Partial<LoadServiceOptions>): LoadService;
  csv(name: string, lines: string[]): string;
  readCsv(path: string): string[][];
  /** Opens a file, maps it automatically and starts the load; answers the load id. */
  start(load: LoadService, path: string, objectName: string, operation: LoadOperation, options?: Partial<LoadOptions>, extra?: Partial<LoadPlan>): Promise<string>;
  /** Records by SOQL (queryAll when asked), as the admin sees them. */
  query(soql: string, all?: boolean): Promise<Record<string, unknown>[]>;
};

/** Sets up a `LoadBench` per test on the file's emulator. */
export function useLoadBench(org: EmulatorFixture): LoadBench {
  let dir = '';
  const opened: { database: OrgDeskDatabase; load: LoadService }[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orgdesk-undo-'));
  });
  afterEach(async () => {
    await Promise.all(opened.map(({ load }) => load.dispose()));
    for (const { database } of opened.splice(0)) database.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get loadsDir() {
      return join(dir, 'user-data', 'loads');
    },
    service(overrides = {}) {
      const entry = { database: openDatabase({ folder: join(dir, 'user-data') }), load: null as unknown as LoadService };
      entry.load = createTestLoadService(entry.database.db, org.emulator, dir, overrides);
      opened.push(entry);
      return entry.load;
    },
    csv(name, lines) {
      const path = join(dir, name);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    },
    readCsv: (path): string[][] => parse(readFileSync(path, 'utf8')),
    async start(load, path, objectName, operation, options = {}, extra = {}) {
      const file = await load.open({ kind: 'path', path });
      const { mappings } = await load.suggestMapping('org', file.fileId, objectName, operation);
      const plan: LoadPlan = { objectName, operation, mappings, dates: { dateOrder: 'ymd', timeZone: 'UTC' }, ...extra };
      return (await load.start('org', file.fileId, plan, { excludeInvalid: true, ...options })).loadId;
    },
    async query(soql, all = false) {
      const { connection } = createEmulatorConnections({ url: org.emulator.url, username: ADMIN });
      const page = await connection.client.json<{ records: Record<string, unknown>[] }>('GET', `${API}/${all ? 'queryAll' : 'query'}`, { query: { q: soql } });
      return page.records.map(({ attributes: _attributes, ...rest }) => rest);
    },
  };
}
