import { useCallback, useMemo } from 'react';
import type {
  CertificateInfo,
  CertificateView,
  ConnectionTestResult,
  OrgProfileChanges,
  OrgProfileInput,
  OrgSummary,
} from '../../../../shared/ipc/domains/orgs';
import type { Result } from '../../../../shared/ipc/result';
import { useActiveOrg } from '../../lib/active-org';
import { invoke } from '../../lib/api';
import { useShowError } from '../../lib/app-errors';

/** What the Orgs area can do with a profile. Calls answering `null` or `false` already showed their error in the banner. */
export type OrgActions = {
  create(input: OrgProfileInput): Promise<OrgSummary | null>;
  update(id: string, changes: OrgProfileChanges): Promise<OrgSummary | null>;
  /** Deletes the profile and its private key in the OS keychain. */
  remove(id: string): Promise<boolean>;
  setActive(id: string): Promise<void>;
  /** Makes a new RSA key (into the keychain) and a certificate to upload. */
  generateKey(id: string): Promise<CertificateInfo | null>;
  /**
   * Imports a PEM private key file (`path` undefined: main asks with a native open dialog, Electron only); the Result goes back
   * to the dialog that asked (it shows the error beside the fields).
   */
  importKey(id: string, path: string | undefined, passphrase?: string): Promise<Result<CertificateInfo>>;
  /** The public certificate and the file name it is saved under. */
  certificate(id: string): Promise<CertificateView | null>;
  /** Writes the certificate to a path (undefined: main asks with a native save dialog); the Result goes back to the caller. */
  saveCertificate(id: string, path?: string): Promise<Result<{ path: string }>>;
  testConnection(id: string): Promise<ConnectionTestResult | null>;
};

/** The Orgs area's calls to main (`orgs:*`), reporting failures through the shell's error banner and reloading the org list. */
export function useOrgActions(): OrgActions {
  const showError = useShowError();
  const { refresh, selectOrg } = useActiveOrg();

  const reported = useCallback(
    <T>(result: Result<T>): T | null => {
      if (result.ok) return result.value;
      showError(result.error);
      return null;
    },
    [showError],
  );

  const changed = useCallback(
    async <T>(pending: Promise<Result<T>>): Promise<T | null> => {
      const value = reported(await pending);
      // main also says `orgs:changed`; reading the list here keeps the screen right when that event is late or missed.
      if (value !== null) await refresh();
      return value;
    },
    [reported, refresh],
  );

  return useMemo(
    () => ({
      create: (input) => changed(invoke('orgs:create', input)),
      update: (id, changes) => changed(invoke('orgs:update', { id, changes })),
      remove: async (id) => (await changed(invoke('orgs:delete', { id }))) !== null,
      setActive: (id) => selectOrg(id),
      generateKey: (id) => changed(invoke('orgs:generate-key', { id })),
      importKey: async (id, path, passphrase) => {
        const result = await invoke('orgs:import-key', {
          id,
          ...(path === undefined ? {} : { path }),
          ...(passphrase === undefined ? {} : { passphrase }),
        });
        if (result.ok) await refresh();
        return result;
      },
      certificate: async (id) => reported(await invoke('orgs:certificate', { id })),
      saveCertificate: (id, path) => invoke('orgs:save-certificate', path === undefined ? { id } : { id, path }),
      testConnection: (id) => changed(invoke('orgs:test-connection', { id })),
    }),
    [changed, reported, refresh, selectOrg],
  );
}
