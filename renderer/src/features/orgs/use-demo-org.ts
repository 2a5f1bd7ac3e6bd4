import { useCallback, useEffect, useRef, useState } from 'react';
import type { DemoOrgStatus } from '../../../../shared/ipc/domains/orgs';
import { useActiveOrg } from '../../lib/active-org';
import { invoke, on } from '../../lib/api';
import { useShowError } from '../../lib/app-errors';

/** The built-in local org's status (following `orgs:demo-status`), and the calls that start it or reset it to its seed. */
export type DemoOrgState = {
  /** Null until main answered the first time. */
  status: DemoOrgStatus | null;
  start: () => Promise<void>;
  reset: () => Promise<void>;
};

/** How often the status is re-read while the demo org is starting. */
const STARTING_POLL_MS = 1000;

/**
 * Reads `orgs:demo-status` once, then follows its event; start and reset answer the new status too. While the org is starting
 * it also re-reads the status every second: in browser mode the event socket opens after the first read, so a `ready` sent in
 * between would otherwise leave the screen at "Starting". When the demo org becomes ready the org list is read again.
 */
export function useDemoOrg(): DemoOrgState {
  const showError = useShowError();
  const { refresh } = useActiveOrg();
  const [status, setStatus] = useState<DemoOrgStatus | null>(null);
  const previousState = useRef<DemoOrgStatus['state'] | null>(null);

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

  const state = status?.state ?? null;
  useEffect(() => {
    if (state !== 'starting') return undefined;
    let live = true;
    const timer = setInterval(() => {
      void invoke('orgs:demo-status', {}).then((result) => {
        if (live && result.ok && result.value.state !== 'starting') setStatus(result.value);
      });
    }, STARTING_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [state]);

  useEffect(() => {
    const before = previousState.current;
    previousState.current = state;
    if (state === 'ready' && before !== null && before !== 'ready') void refresh();
  }, [state, refresh]);

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
