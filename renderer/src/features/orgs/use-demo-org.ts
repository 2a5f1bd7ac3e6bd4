import { useCallback, useEffect, useState } from 'react';
import type { DemoOrgStatus } from '../../../../shared/ipc/domains/orgs';
import { invoke, on } from '../../lib/api';
import { useShowError } from '../../lib/app-errors';

/** The built-in local org's status (following `orgs:demo-status`), and the calls that start it or reset it to its seed. */
export type DemoOrgState = {
  /** Null until main answered the first time. */
  status: DemoOrgStatus | null;
  start: () => Promise<void>;
  reset: () => Promise<void>;
};

/** Reads `orgs:demo-status` once, then follows its event; start and reset answer the new status too. */
export function useDemoOrg(): DemoOrgState {
  const showError = useShowError();
  const [status, setStatus] = useState<DemoOrgStatus | null>(null);

  useEffect(() => {
    let live = true;
    const stop = on('orgs:demo-status', (next) => {
      if (live) setStatus(next);
    });
    void invoke('orgs:demo-status', {}).then((result) => {
      if (!live) return;
      if (result.ok) setStatus((current) => current ?? result.value);
      else showError(result.error);
    });
    return () => {
      live = false;
      stop();
    };
  }, [showError]);

  const run = useCallback(
    async (channel: 'orgs:demo-start' | 'orgs:demo-reset') => {
      setStatus((current) => (current === null ? current : { ...current, state: 'starting', error: null }));
      const result = await invoke(channel, {});
      if (result.ok) setStatus(result.value);
      else showError(result.error);
    },
    [showError],
  );

  return { status, start: useCallback(() => run('orgs:demo-start'), [run]), reset: useCallback(() => run('orgs:demo-reset'), [run]) };
}
