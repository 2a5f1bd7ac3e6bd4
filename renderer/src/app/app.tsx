import { useEffect, useState, type ReactNode } from 'react';
import type { AppInfo } from '../../../shared/ipc/contract';
import { ErrorBanner } from '../components/error-banner';
import { ActiveOrgProvider } from '../lib/active-org';
import { invoke } from '../lib/api';
import { AppErrorProvider, useAppError } from '../lib/app-errors';
import { AREAS, type AreaId } from './areas';
import { OrgSwitcher } from './org-switcher';

/** The whole app: providers around the shell. */
export function App(): ReactNode {
  return (
    <AppErrorProvider>
      <ActiveOrgProvider>
        <Shell />
      </ActiveOrgProvider>
    </AppErrorProvider>
  );
}

/** The app frame: header with the org switcher, the area tabs, the error banner and the active area. */
export function Shell(): ReactNode {
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

  const open = (id: AreaId): void => {
    setActive(id);
    setOpened((previous) => (previous.has(id) ? previous : new Set([...previous, id])));
  };

  return (
    <div className="orgdesk-shell">
      <header className="orgdesk-header">
        <div className="orgdesk-header__brand">
          <span className="orgdesk-logo" aria-hidden="true" />
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
  );
}
