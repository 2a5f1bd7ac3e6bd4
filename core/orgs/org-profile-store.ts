import { randomUUID } from 'node:crypto';
import type { OrgEnvironment, OrgProfileInput } from '../../shared/salesforce/org-profile';
import type { OrgProfileChanges } from '../../shared/ipc/domains/orgs';
import { ServiceError } from '../errors';
import type { SqliteDatabase } from '../store/database';
import { createAppSettings } from '../store/settings';

/** A profile row as stored: the person's fields plus the public certificate. Never a key or a token. */
export type StoredOrgProfile = OrgProfileInput & {
  id: string;
  isDemo: boolean;
  certificatePem: string | null;
  createdAt: string;
  updatedAt: string;
};

/** Profile rows and the active org id in the local database. */
export type OrgProfileStore = {
  list(): StoredOrgProfile[];
  /** The profile, or a NOT_FOUND ServiceError. */
  get(id: string): StoredOrgProfile;
  find(predicate: (profile: StoredOrgProfile) => boolean): StoredOrgProfile | undefined;
  create(input: OrgProfileInput, options?: { isDemo?: boolean }): StoredOrgProfile;
  update(id: string, changes: OrgProfileChanges): StoredOrgProfile;
  setCertificate(id: string, certificatePem: string | null): StoredOrgProfile;
  delete(id: string): void;
  activeId(): string | null;
  setActive(id: string | null): void;
};

type Row = {
  id: string;
  label: string;
  environment: OrgEnvironment;
  my_domain_url: string | null;
  consumer_key: string;
  username: string;
  api_version: string | null;
  pubsub_endpoint: string | null;
  color: string;
  is_demo: number;
  certificate_pem: string | null;
  created_at: string;
  updated_at: string;
};

const ACTIVE_ORG_KEY = 'activeOrgId';

/** Builds the profile store over an open database (`now` stamps created/updated times). */
export function createOrgProfileStore(db: SqliteDatabase, now: () => Date = () => new Date()): OrgProfileStore {
  const settings = createAppSettings(db);
  const selectAll = db.prepare<[], Row>('SELECT * FROM org_profiles ORDER BY is_demo DESC, label COLLATE NOCASE, created_at');
  const selectOne = db.prepare<[string], Row>('SELECT * FROM org_profiles WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO org_profiles (id, label, environment, my_domain_url, consumer_key, username, api_version, pubsub_endpoint, color, is_demo, certificate_pem, created_at, updated_at)
     VALUES (@id, @label, @environment, @my_domain_url, @consumer_key, @username, @api_version, @pubsub_endpoint, @color, @is_demo, @certificate_pem, @created_at, @updated_at)`,
  );
  const replace = db.prepare(
    `UPDATE org_profiles SET label = @label, environment = @environment, my_domain_url = @my_domain_url, consumer_key = @consumer_key,
       username = @username, api_version = @api_version, pubsub_endpoint = @pubsub_endpoint, color = @color, certificate_pem = @certificate_pem, updated_at = @updated_at
     WHERE id = @id`,
  );
  const remove = db.prepare('DELETE FROM org_profiles WHERE id = ?');

  const get = (id: string): StoredOrgProfile => {
    const row = selectOne.get(id);
    if (row === undefined) {
      throw new ServiceError('NOT_FOUND', 'That org profile no longer exists.', 'Pick another org, or add the profile again in the Orgs area.');
    }
    return fromRow(row);
  };

  const save = (profile: StoredOrgProfile): StoredOrgProfile => {
    const next = { ...profile, myDomainUrl: profile.environment === 'mydomain' ? profile.myDomainUrl : null, updatedAt: now().toISOString() };
    replace.run(toRow(next));
    return next;
  };

  return {
    list: () => selectAll.all().map(fromRow),
    get,
    find: (predicate) => selectAll.all().map(fromRow).find(predicate),
    create(input, options = {}) {
      const stamp = now().toISOString();
      const profile: StoredOrgProfile = {
        ...input,
        myDomainUrl: input.environment === 'mydomain' ? input.myDomainUrl : null,
        id: randomUUID(),
        isDemo: options.isDemo ?? false,
        certificatePem: null,
        createdAt: stamp,
        updatedAt: stamp,
      };
      insert.run(toRow(profile));
      return profile;
    },
    update(id, changes) {
      const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<OrgProfileInput>;
      const next = { ...get(id), ...defined };
      if (next.environment === 'mydomain' && next.myDomainUrl === null) {
        throw new ServiceError('VALIDATION', 'A My Domain profile needs its URL.', 'Enter the URL, such as https://acme.my.salesforce.com.');
      }
      return save(next);
    },
    setCertificate: (id, certificatePem) => save({ ...get(id), certificatePem }),
    delete(id) {
      get(id);
      db.transaction(() => {
        remove.run(id);
        if (settings.get(ACTIVE_ORG_KEY) === id) settings.set(ACTIVE_ORG_KEY, null);
      })();
    },
    activeId: () => {
      const id = settings.get(ACTIVE_ORG_KEY);
      return id !== null && selectOne.get(id) !== undefined ? id : null;
    },
    setActive(id) {
      if (id !== null) get(id);
      settings.set(ACTIVE_ORG_KEY, id);
    },
  };
}

function fromRow(row: Row): StoredOrgProfile {
  return {
    id: row.id,
    label: row.label,
    environment: row.environment,
    myDomainUrl: row.my_domain_url,
    consumerKey: row.consumer_key,
    username: row.username,
    apiVersion: row.api_version,
    pubsubEndpoint: row.pubsub_endpoint,
    color: row.color,
    isDemo: row.is_demo === 1,
    certificatePem: row.certificate_pem,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(profile: StoredOrgProfile): Row {
  return {
    id: profile.id,
    label: profile.label,
    environment: profile.environment,
    my_domain_url: profile.myDomainUrl,
    consumer_key: profile.consumerKey,
    username: profile.username,
    api_version: profile.apiVersion,
    pubsub_endpoint: profile.pubsubEndpoint ?? null,
    color: profile.color,
    is_demo: profile.isDemo ? 1 : 0,
    certificate_pem: profile.certificatePem,
    created_at: profile.createdAt,
    updated_at: profile.updatedAt,
  };
}
