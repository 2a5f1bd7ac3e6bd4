import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { OrgSummary } from '../../../shared/ipc/contract';
import { installFakeBridge } from '../../test/fake-bridge';
import { App } from './app';

/** The shell's area tabs (features may have tablists of their own). */
const areaTab = (name: string): HTMLElement => within(screen.getByRole('tablist', { name: 'Areas' })).getByRole('tab', { name });

const info = { version: '0.1.0', platform: 'linux', mode: 'browser' as const };

function org(id: string, label: string): OrgSummary {
  return {
    id,
    label,
    environment: 'production',
    myDomainUrl: null,
    consumerKey: '3MVG9',
    username: `admin@${id}.example`,
    apiVersion: null,
    color: '#0176d3',
    isDemo: false,
    certificate: null,
    instanceUrl: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('App shell', () => {
  it('shows the four areas as tabs and switches between them', async () => {
    installFakeBridge({ 'app:info': info, 'orgs:list': [] });
    const user = userEvent.setup();
    render(<App />);
    const tabs = within(screen.getByRole('tablist', { name: 'Areas' })).getAllByRole('tab').map((tab) => tab.textContent);
    expect(tabs).toEqual(['Query', 'Load', 'Events', 'Orgs']);
    expect(areaTab('Query')).toHaveAttribute('aria-selected', 'true');
    await user.click(areaTab('Load'));
    expect(areaTab('Load')).toHaveAttribute('aria-selected', 'true');
    expect(document.getElementById('orgdesk-area-load')).toBeVisible();
    expect(document.getElementById('orgdesk-area-query')).not.toBeVisible();
  });

  it('moves between tabs with the arrow keys', async () => {
    installFakeBridge({ 'app:info': info, 'orgs:list': [] });
    const user = userEvent.setup();
    render(<App />);
    areaTab('Query').focus();
    await user.keyboard('{ArrowLeft}');
    expect(areaTab('Orgs')).toHaveAttribute('aria-selected', 'true');
    expect(areaTab('Orgs')).toHaveFocus();
  });

  it('shows the mode and version from app:info', async () => {
    installFakeBridge({ 'app:info': info, 'orgs:list': [] });
    render(<App />);
    expect(await screen.findByText('Browser mode · v0.1.0')).toBeInTheDocument();
  });

  it('fills the org switcher from orgs:list and switches the active org', async () => {
    const fake = installFakeBridge({
      'app:info': info,
      'orgs:list': [org('a', 'Acme Prod'), org('b', 'Acme Sandbox')],
      'orgs:active': { activeOrgId: 'b' },
      'orgs:set-active': ({ id }) => ({ activeOrgId: id }),
    });
    const user = userEvent.setup();
    render(<App />);
    const switcher = screen.getByRole('combobox', { name: 'Org' });
    await waitFor(() => expect(switcher).toHaveValue('b'));
    expect(within(switcher).getAllByRole('option').map((option) => option.textContent)).toEqual([
      'Acme Prod (admin@a.example)',
      'Acme Sandbox (admin@b.example)',
    ]);
    await user.selectOptions(switcher, 'a');
    expect(switcher).toHaveValue('a');
    expect(fake.calls).toContainEqual({ channel: 'orgs:set-active', args: { id: 'a' } });
  });

  it('says no org is connected when orgs:list is empty', async () => {
    installFakeBridge({ 'app:info': info, 'orgs:list': [] });
    render(<App />);
    const switcher = screen.getByRole('combobox', { name: 'Org' });
    expect(await within(switcher).findByRole('option', { name: 'No org connected' })).toBeInTheDocument();
    expect(switcher).toBeDisabled();
  });

  it('reloads the org list when main says the orgs changed', async () => {
    const fake = installFakeBridge({ 'app:info': info, 'orgs:list': [] });
    render(<App />);
    await waitFor(() => expect(fake.calls.filter((call) => call.channel === 'orgs:list')).toHaveLength(1));
    fake.answer('orgs:list', [org('c', 'Fresh Org')]);
    fake.emit('orgs:changed', { activeOrgId: 'c' });
    expect(await screen.findByRole('option', { name: 'Fresh Org (admin@c.example)' })).toBeInTheDocument();
  });

  it('shows an AppError message and hint in the error banner, and dismisses it', async () => {
    installFakeBridge({
      'app:info': info,
      'orgs:list': { error: { code: 'KEYCHAIN', message: 'The OS keychain is locked.', hint: 'Unlock it and try again.' } },
    });
    const user = userEvent.setup();
    render(<App />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The OS keychain is locked.');
    expect(alert).toHaveTextContent('Unlock it and try again.');
    await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
