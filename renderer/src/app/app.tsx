import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { AppInfo } from '../../../shared/ipc/contract';
import type { DatabaseRecovery } from '../../../shared/ipc/domains/app';
import { ErrorBanner } from '../components/error-banner';
import { WorkbenchLinkProvider } from '../features/query';
import { ActiveOrgProvider } from '../lib/active-org';
import { invoke } from '../lib/api';
import { AppErrorProvider, useAppError } from '../lib/app-errors';
import { AREAS, type AreaId } from './areas';
import { DatabaseRecoveryScreen, RecoveredNotice, type DatabaseNeedsRecovery } from './database-recovery';
import { OrgSwitcher } from './org-switcher';

/**
 * The whole app: providers around the shell, or the recovery screen when main says the local database cannot be used.
 *
 * The shell renders at once while app:database-status is asked (the usual answer is "ready"); a database that needs recovery
 * replaces it, and after recovery the providers start afresh, so nothing learned from a refused call lingers.
 */
export function App(): ReactNode {
  const [recovery, setRecovery] = useState<DatabaseNeedsRecovery | null>(null);
  const [recovered, setRecovered] = useState<DatabaseRecovery | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    void invoke('app:database-status', {}).then((result) => {
      if (live && result.ok && result.value.state === 'needs-recovery') setRecovery(result.value);
    });
    return () => {
      live = false;
    };
  }, []);

  if (recovery !== null) {
    return (
      <DatabaseRecoveryScreen
        status={recovery}
        onRecovered={(done) => {
          setRecovered(done);
          setGeneration((previous) => previous + 1);
          setRecovery(null);
        }}
      />
    );
  }
  return (
    <AppErrorProvider key={generation}>
      <ActiveOrgProvider>
        <Shell notice={recovered === null ? null : <RecoveredNotice recovered={recovered} onDismiss={() => setRecovered(null)} />} />
      </ActiveOrgProvider>
    </AppErrorProvider>
  );
}

/** The app frame: header with the org switcher, the area tabs, the error banner, an optional notice and the active area. */
function Shell({ notice = null }: { notice?: ReactNode }): ReactNode {
  const { error, showError, dismissError } = useAppError();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [active, setActive] = useState<AreaId>('query');
  // Areas stay mounted once opened, so an editor or a running load keeps its state while the person looks elsewhere.
  const [opened, setOpened] = useState<ReadonlySet<AreaId>>(new Set(['query']));

  useEffect(() => {
    let live = true;
    void invoke('app:info', {}).then((result) => {
      if (!live) return;
      if (result.ok) setInfo(result.value);
      else showError(result.error);
    });
    return () => {
      live = false;
    };
  }, [showError]);

  const open = useCallback((id: AreaId): void => {
    setActive(id);
    setOpened((previous) => (previous.has(id) ? previous : new Set([...previous, id])));
  }, []);
  const openQuery = useCallback(() => open('query'), [open]);

  return (
    <WorkbenchLinkProvider onOpen={openQuery}>
      <div className="orgdesk-shell">
        <header className="orgdesk-header">
          <div className="orgdesk-header__brand">
            <img className="orgdesk-logo" src={`${import.meta.env.BASE_URL}orgdesk-icon.svg`} alt="" width={24} height={24} />
            <span className="slds-text-heading_small orgdesk-header__title">OrgDesk</span>
            {info === null ? null : (
              <span className="slds-badge orgdesk-header__mode" title={`Version ${info.version} on ${info.platform}`}>
                {info.mode === 'browser' ? 'Browser mode' : 'Desktop'} · v{info.version}
              </span>
            )}
          </div>
          <OrgSwitcher />
        </header>
        <div className="slds-tabs_default orgdesk-tabs">
          <ul className="slds-tabs_default__nav" role="tablist" aria-label="Areas">
            {AREAS.map((area) => (
              <li key={area.id} className={`slds-tabs_default__item${area.id === active ? ' slds-is-active' : ''}`} role="presentation">
                <button
                  type="button"
                  role="tab"
                  id={`orgdesk-tab-${area.id}`}
                  aria-controls={`orgdesk-area-${area.id}`}
                  aria-selected={area.id === active}
                  tabIndex={area.id === active ? 0 : -1}
                  className="slds-tabs_default__link orgdesk-tab"
                  onClick={() => open(area.id)}
                  onKeyDown={(event) => {
                    const index = AREAS.findIndex((candidate) => candidate.id === active);
                    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
                    const next = AREAS[(index + step + AREAS.length) % AREAS.length];
                    if (step !== 0 && next !== undefined) {
                      open(next.id);
                      document.getElementById(`orgdesk-tab-${next.id}`)?.focus();
                    }
                  }}
                >
                  {area.label}
                </button>
              </li>
            ))}
          </ul>
        </div>
        {error === null ? null : <ErrorBanner error={error} onDismiss={dismissError} />}
        {notice}
        <main className="orgdesk-main">
          {AREAS.filter((area) => opened.has(area.id)).map((area) => (
            <section
              key={area.id}
              id={`orgdesk-area-${area.id}`}
              role="tabpanel"
              aria-labelledby={`orgdesk-tab-${area.id}`}
              hidden={area.id !== active}
              className="orgdesk-area"
            >
              <area.component />
            </section>
          ))}
        </main>
      </div>
    </WorkbenchLinkProvider>
  );
}
