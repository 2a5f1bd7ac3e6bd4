import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CertificateInfo, DemoOrgStatus, OrgSummary } from '../../../../shared/ipc/domains/orgs';
import { installFakeBridge, type FakeAnswers, type FakeBridge } from '../../../test/fake-bridge';
import { App } from '../../app/app';

const info = { version: '0.1.0', platform: 'linux', mode: 'browser' as const };

const certificate: CertificateInfo = {
  commonName: 'Acme Prod',
  fingerprintSha256: 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89',
  notBefore: '2026-11-28T00:00:00.000Z',
  notAfter: '2028-11-27T00:00:00.000Z',
  daysLeft: 729,
  expiresSoon: false,
  expired: false,
};

function org(id: string, label: string, extra: Partial<OrgSummary> = {}): OrgSummary {
  return {
    id,
    label,
    environment: 'production',
    myDomainUrl: null,
    consumerKey: `3MVG9${id}`,
    username: `admin@${id}.example`,
    apiVersion: null,
    color: '#0176d3',
    isDemo: false,
    certificate: null,
    instanceUrl: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

const demoReady: DemoOrgStatus = { state: 'ready', url: 'http://127.0.0.1:40123', profileId: 'demo', error: null, keyInMemory: false };

/** The shell with the Orgs tab open over a fake bridge whose org list follows create/update/delete/generate-key. */
async function openOrgs(initial: OrgSummary[], answers: FakeAnswers = {}): Promise<{ fake: FakeBridge; user: ReturnType<typeof userEvent.setup> }> {
  let orgs = [...initial];
  const fake = installFakeBridge({
    'app:info': info,
    'orgs:list': () => orgs,
    'orgs:active': { activeOrgId: initial[0]?.id ?? null },
    'orgs:set-active': ({ id }) => ({ activeOrgId: id }),
    'orgs:demo-status': demoReady,
    'orgs:create': (input) => {
      const created = org('new', input.label, { ...input });
      orgs = [...orgs, created];
      return created;
    },
    'orgs:update': ({ id, changes }) => {
      orgs = orgs.map((candidate) => (candidate.id === id ? { ...candidate, ...(changes as Partial<OrgSummary>) } : candidate));
      return orgs.find((candidate) => candidate.id === id) ?? { error: { code: 'NOT_FOUND', message: 'gone' } };
    },
    'orgs:delete': ({ id }) => {
      orgs = orgs.filter((candidate) => candidate.id !== id);
      return { id };
    },
    'orgs:generate-key': ({ id }) => {
      orgs = orgs.map((candidate) => (candidate.id === id ? { ...candidate, certificate } : candidate));
      return certificate;
    },
    ...answers,
  });
  const user = userEvent.setup();
  render(<App />);
  await user.click(screen.getByRole('tab', { name: 'Orgs' }));
  return { fake, user };
}

function area(): HTMLElement {
  return screen.getByRole('tabpanel', { name: 'Orgs' });
}

// userEvent types key by key: on a busy 2-core machine a whole form can take seconds, so this file gets a wider budget.
describe('Orgs area', { timeout: 15_000 }, () => {
  it('lists every profile with its environment, username, demo badge and the active marker', async () => {
    await openOrgs([
      org('a', 'Acme Prod'),
      org('demo', 'Demo org (local)', { isDemo: true, environment: 'mydomain', myDomainUrl: 'http://127.0.0.1:40123', color: '#2e844a' }),
    ]);
    const list = await within(area()).findByRole('list', { name: 'Org profiles' });
    const items = await within(list).findAllByRole('button');
    expect(items.map((item) => item.textContent)).toEqual([
      'Acme ProdProduction · admin@a.exampleActive',
      'Demo org (local)My Domain 127.0.0.1:40123 · admin@demo.exampleDemo',
    ]);
  });

  it('creates a My Domain profile from the form, a blank API version meaning the newest', async () => {
    const { fake, user } = await openOrgs([]);
    await user.click(within(area()).getByRole('button', { name: 'New org' }));
    const form = within(area()).getByRole('form', { name: 'New org' });
    await user.type(within(form).getByLabelText(/Label/), 'Local org');
    await user.click(within(form).getByLabelText(/My Domain URL/, { selector: 'input[type=radio]' }));
    await user.type(within(form).getByLabelText(/My Domain URL/, { selector: 'input:not([type=radio])' }), 'http://127.0.0.1:4444/');
    await user.type(within(form).getByLabelText(/Consumer key/), '3MVG9local');
    await user.type(within(form).getByLabelText(/Username/), 'ada@local.example');
    await user.click(within(form).getByRole('button', { name: 'Create' }));
    expect(fake.calls).toContainEqual({
      channel: 'orgs:create',
      args: {
        label: 'Local org',
        environment: 'mydomain',
        myDomainUrl: 'http://127.0.0.1:4444',
        consumerKey: '3MVG9local',
        username: 'ada@local.example',
        apiVersion: null,
        // Left blank: the profile uses Salesforce's own Pub/Sub endpoint.
        pubsubEndpoint: null,
        color: '#0176d3',
      },
    });
    expect(await within(area()).findByRole('heading', { name: 'Local org' })).toBeInTheDocument();
  });

  it('says what is missing instead of sending an incomplete profile', async () => {
    const { fake, user } = await openOrgs([]);
    await user.click(within(area()).getByRole('button', { name: 'New org' }));
    const form = within(area()).getByRole('form', { name: 'New org' });
    await user.type(within(form).getByLabelText(/API version/), '62');
    await user.click(within(form).getByRole('button', { name: 'Create' }));
    expect(within(form).getByText(/Paste the connected app’s consumer key/)).toBeInTheDocument();
    expect(within(form).getByText(/An API version looks like 62.0/)).toBeInTheDocument();
    expect(fake.calls.some((call) => call.channel === 'orgs:create')).toBe(false);
  });

  it('edits a profile and sends its fields as changes', async () => {
    const { fake, user } = await openOrgs([org('a', 'Acme Prod')]);
    await user.click(await within(area()).findByRole('button', { name: 'Edit' }));
    const form = within(area()).getByRole('form', { name: 'Edit Acme Prod' });
    await user.clear(within(form).getByLabelText(/Label/));
    await user.type(within(form).getByLabelText(/Label/), 'Acme Production');
    await user.type(within(form).getByLabelText(/API version/), '61.0');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(fake.calls).toContainEqual({
      channel: 'orgs:update',
      args: { id: 'a', changes: expect.objectContaining({ label: 'Acme Production', apiVersion: '61.0' }) as unknown },
    });
    expect(await within(area()).findByRole('heading', { name: 'Acme Production' })).toBeInTheDocument();
  });

  it('deletes a profile only after a confirmation that says the keychain entry goes too', async () => {
    const { fake, user } = await openOrgs([org('a', 'Acme Prod'), org('b', 'Acme Sandbox')]);
    await user.click(await within(area()).findByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Acme Prod?' });
    expect(dialog).toHaveTextContent(/private key from the OS keychain/);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.calls.some((call) => call.channel === 'orgs:delete')).toBe(false);
    await user.click(within(area()).getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    expect(fake.calls).toContainEqual({ channel: 'orgs:delete', args: { id: 'a' } });
    await waitFor(() => expect(within(area()).queryByText('Acme Prod')).toBeNull());
  });

  it('sets a profile as the active org', async () => {
    const { fake, user } = await openOrgs([org('a', 'Acme Prod'), org('b', 'Acme Sandbox')]);
    await user.click(await within(area()).findByRole('button', { name: /Acme Sandbox/ }));
    await user.click(within(area()).getByRole('button', { name: 'Set active' }));
    expect(fake.calls).toContainEqual({ channel: 'orgs:set-active', args: { id: 'b' } });
    expect(screen.getByRole('combobox', { name: 'Org' })).toHaveValue('b');
  });

  it('generates a key and shows the certificate’s SHA-256 fingerprint and expiry, with no way to export the private key', async () => {
    const { fake, user } = await openOrgs([org('a', 'Acme Prod')]);
    await user.click(await within(area()).findByRole('button', { name: 'Generate key & certificate' }));
    expect(fake.calls).toContainEqual({ channel: 'orgs:generate-key', args: { id: 'a' } });
    expect(await within(area()).findByTestId('certificate-fingerprint')).toHaveTextContent(certificate.fingerprintSha256);
    expect(within(area()).getByText(/2028-11-27 \(in 729 days\)/)).toBeInTheDocument();
    expect(within(area()).queryByText(/This certificate expire/)).toBeNull();
    const buttons = within(area()).getAllByRole('button').map((button) => button.textContent ?? '');
    expect(buttons.filter((text) => /export|download|copy/i.test(text) || /private key/i.test(text))).toEqual(['Import private key']);
  });

  it('asks before replacing a key the connected app may already trust', async () => {
    const { fake, user } = await openOrgs([org('a', 'Acme Prod', { certificate })]);
    await user.click(await within(area()).findByRole('button', { name: 'Generate key & certificate' }));
    const dialog = screen.getByRole('dialog', { name: 'Replace the key?' });
    expect(fake.calls.some((call) => call.channel === 'orgs:generate-key')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Generate new key' }));
    expect(fake.calls).toContainEqual({ channel: 'orgs:generate-key', args: { id: 'a' } });
  });

  it('warns when the certificate expires within 30 days', async () => {
    await openOrgs([org('a', 'Acme Prod', { certificate: { ...certificate, notAfter: '2026-12-12T00:00:00.000Z', daysLeft: 14, expiresSoon: true } })]);
    expect(await within(area()).findByText(/This certificate expires in 14 days/)).toBeInTheDocument();
  });

  it('asks where to save the certificate, prefilled with its file name, and shows where it went', async () => {
    const { fake, user } = await openOrgs([org('a', 'Acme Prod', { certificate })], {
      'orgs:certificate': { pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', info: certificate, fileName: 'orgdesk-acme-prod.crt' },
      'orgs:save-certificate': ({ path }) => ({ path: (path ?? '').replace('~', '/home/ada') }),
    });
    await user.click(await within(area()).findByRole('button', { name: 'Save certificate (.crt)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save certificate' });
    expect(within(dialog).getByLabelText('Save to')).toHaveValue('~/orgdesk-acme-prod.crt');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(fake.calls).toContainEqual({ channel: 'orgs:save-certificate', args: { id: 'a', path: '~/orgdesk-acme-prod.crt' } });
    expect(await within(area()).findByText('/home/ada/orgdesk-acme-prod.crt')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps the save dialog open with the error when the folder cannot be written', async () => {
    const { user } = await openOrgs([org('a', 'Acme Prod', { certificate })], {
      'orgs:certificate': { pem: 'x', info: certificate, fileName: 'orgdesk-acme-prod.crt' },
      'orgs:save-certificate': { error: { code: 'VALIDATION', message: 'The certificate could not be saved to /nope/x.crt.', hint: 'Pick a folder you can write to.' } },
    });
    await user.click(await within(area()).findByRole('button', { name: 'Save certificate (.crt)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save certificate' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Pick a folder you can write to.');
  });

  it('imports a private key, asking for the passphrase when the PEM is encrypted', async () => {
    const { fake, user } = await openOrgs([org('a', 'Acme Prod')], {
      'orgs:import-key': ({ passphrase }) =>
        passphrase === 'secret'
          ? certificate
          : { error: { code: 'VALIDATION', message: 'This private key is encrypted.', hint: 'Enter the passphrase it was saved with.' } },
    });
    await user.click(await within(area()).findByRole('button', { name: 'Import private key' }));
    const dialog = screen.getByRole('dialog', { name: 'Import private key' });
    await user.type(within(dialog).getByLabelText('Key file'), '/keys/server.key');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Enter the passphrase it was saved with.');
    await user.type(within(dialog).getByLabelText('Passphrase'), 'secret');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(fake.calls).toContainEqual({ channel: 'orgs:import-key', args: { id: 'a', path: '/keys/server.key', passphrase: 'secret' } });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  describe('in Electron, where main opens native file dialogs', () => {
    const electron = { 'app:info': { ...info, mode: 'electron' as const } };

    /** Waits until the certificate panel has read app:info (the shell reads it too), so it knows it runs in Electron. */
    async function panelKnowsMode(fake: FakeBridge): Promise<void> {
      await waitFor(() => expect(fake.calls.filter((call) => call.channel === 'app:info').length).toBeGreaterThanOrEqual(2));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }

    it('saves the certificate where the native save dialog says, without asking for a path first', async () => {
      const { fake, user } = await openOrgs([org('a', 'Acme Prod', { certificate })], {
        ...electron,
        'orgs:save-certificate': ({ path }) =>
          path === undefined ? { path: '/home/ada/Downloads/orgdesk-acme-prod.crt' } : { error: { code: 'VALIDATION', message: 'no path expected' } },
      });
      await panelKnowsMode(fake);
      await user.click(await within(area()).findByRole('button', { name: 'Save certificate (.crt)' }));
      expect(await within(area()).findByText('/home/ada/Downloads/orgdesk-acme-prod.crt')).toBeInTheDocument();
      expect(fake.calls).toContainEqual({ channel: 'orgs:save-certificate', args: { id: 'a' } });
      expect(screen.queryByRole('dialog')).toBeNull();
    });

    it('says nothing when the person closes the native save dialog, and shows any other failure in the banner', async () => {
      let outcome: 'cancel' | 'fail' = 'cancel';
      const { fake, user } = await openOrgs([org('a', 'Acme Prod', { certificate })], {
        ...electron,
        'orgs:save-certificate': () =>
          outcome === 'cancel'
            ? { error: { code: 'CANCELLED', message: 'The certificate was not saved.' } }
            : { error: { code: 'VALIDATION', message: 'The certificate could not be saved to /nope/x.crt.', hint: 'Pick a folder you can write to.' } },
      });
      await panelKnowsMode(fake);
      const button = await within(area()).findByRole('button', { name: 'Save certificate (.crt)' });
      await user.click(button);
      await waitFor(() => expect(within(area()).getByRole('button', { name: 'Save certificate (.crt)' })).toBeEnabled());
      expect(fake.calls.filter((call) => call.channel === 'orgs:save-certificate')).toHaveLength(1);
      expect(screen.queryByText(/was not saved/)).toBeNull();
      outcome = 'fail';
      await user.click(button);
      expect(await screen.findByText(/Pick a folder you can write to/)).toBeInTheDocument();
    });

    it('imports the key the native open dialog picks, asking for the passphrase in the modal when the PEM is encrypted', async () => {
      const { fake, user } = await openOrgs([org('a', 'Acme Prod')], {
        ...electron,
        'orgs:import-key': ({ path, passphrase }) =>
          path !== undefined
            ? { error: { code: 'VALIDATION', message: 'no path expected' } }
            : passphrase === 'secret'
              ? certificate
              : { error: { code: 'VALIDATION', message: 'This private key is encrypted.', hint: 'Enter the passphrase it was saved with.' } },
      });
      await panelKnowsMode(fake);
      await user.click(await within(area()).findByRole('button', { name: 'Import private key' }));
      const dialog = screen.getByRole('dialog', { name: 'Import private key' });
      expect(within(dialog).queryByLabelText('Key file')).toBeNull();
      await user.click(within(dialog).getByRole('button', { name: 'Choose key file…' }));
      expect(await within(dialog).findByRole('alert')).toHaveTextContent('Enter the passphrase it was saved with.');
      await user.type(within(dialog).getByLabelText('Passphrase'), 'secret');
      await user.click(within(dialog).getByRole('button', { name: 'Choose key file…' }));
      expect(fake.calls).toContainEqual({ channel: 'orgs:import-key', args: { id: 'a' } });
      expect(fake.calls).toContainEqual({ channel: 'orgs:import-key', args: { id: 'a', passphrase: 'secret' } });
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    });

    it('closes the import modal quietly when the person closes the native open dialog', async () => {
      const { fake, user } = await openOrgs([org('a', 'Acme Prod')], {
        ...electron,
        'orgs:import-key': { error: { code: 'CANCELLED', message: 'No key file was chosen.' } },
      });
      await panelKnowsMode(fake);
      await user.click(await within(area()).findByRole('button', { name: 'Import private key' }));
      await user.click(within(screen.getByRole('dialog', { name: 'Import private key' })).getByRole('button', { name: 'Choose key file…' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      expect(screen.queryByText('No key file was chosen.')).toBeNull();
    });
  });

  it('tests the connection and shows org id, user, instance, API version and daily API usage as a bar', async () => {
    const { user } = await openOrgs([org('a', 'Acme Prod', { certificate })], {
      'orgs:test-connection': {
        orgId: '00D000000000001AAA',
        userId: '005000000000001AAA',
        username: 'admin@a.example',
        instanceUrl: 'https://acme.my.salesforce.com',
        apiVersion: '62.0',
        apiUsage: { used: 1500, max: 15000 },
      },
    });
    await user.click(await within(area()).findByRole('button', { name: 'Test connection' }));
    const result = await within(area()).findByRole('status', { name: 'Connection test result' });
    expect(within(result).getByTestId('connection-org-id')).toHaveTextContent('00D000000000001AAA');
    expect(result).toHaveTextContent('005000000000001AAA');
    expect(result).toHaveTextContent('https://acme.my.salesforce.com');
    expect(result).toHaveTextContent('62.0');
    const bar = within(result).getByRole('progressbar', { name: 'Daily API requests used' });
    expect(bar).toHaveAttribute('aria-valuenow', '1500');
    expect(bar).toHaveAttribute('aria-valuemax', '15000');
    expect(result).toHaveTextContent('1,500 of 15,000 used today (10%)');
  });

  it('shows a failed login’s message and hint in the error banner', async () => {
    const { user } = await openOrgs([org('a', 'Acme Prod', { certificate })], {
      'orgs:test-connection': {
        error: {
          code: 'AUTH',
          message: 'Salesforce does not recognise the consumer key (client identifier invalid).',
          hint: 'Copy the consumer key from the connected app (Setup → App Manager → View → Manage Consumer Details).',
        },
      },
    });
    await user.click(await within(area()).findByRole('button', { name: 'Test connection' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Salesforce does not recognise the consumer key');
    expect(alert).toHaveTextContent('Manage Consumer Details');
    expect(within(area()).queryByRole('status', { name: 'Connection test result' })).toBeNull();
  });

  it('shows the demo org’s status as it moves, and resets it to its seed only after a confirmation', async () => {
    const { fake, user } = await openOrgs([], { 'orgs:demo-reset': demoReady });
    expect(await within(area()).findByTestId('demo-org-state')).toHaveTextContent('Ready');
    fake.emit('orgs:demo-status', { state: 'failed', url: null, profileId: null, error: { message: 'The local org could not start.', hint: 'Restart OrgDesk.' }, keyInMemory: false });
    expect(await within(area()).findByTestId('demo-org-state')).toHaveTextContent('Failed');
    expect(within(area()).getByText('Restart OrgDesk.')).toBeInTheDocument();
    expect(within(area()).getByRole('button', { name: 'Start demo org' })).toBeEnabled();
    await user.click(within(area()).getByRole('button', { name: 'Reset demo org to its seed' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset the demo org?' });
    expect(fake.calls.some((call) => call.channel === 'orgs:demo-reset')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Reset' }));
    expect(fake.calls).toContainEqual({ channel: 'orgs:demo-reset', args: {} });
    expect(await within(area()).findByTestId('demo-org-state')).toHaveTextContent('Ready');
  });

  it('re-reads a starting demo org’s status when no event arrives, then reloads the org list', async () => {
    let reads = 0;
    const { fake } = await openOrgs([], {
      'orgs:demo-status': () => {
        reads += 1;
        return reads === 1 ? { state: 'starting', url: null, profileId: null, error: null, keyInMemory: false } : demoReady;
      },
    });
    expect(await within(area()).findByTestId('demo-org-state')).toHaveTextContent('Starting');
    const listReads = fake.calls.filter((call) => call.channel === 'orgs:list').length;
    fake.answer('orgs:list', [org('demo', 'Demo org (local)', { isDemo: true })]);
    await waitFor(() => expect(within(area()).getByTestId('demo-org-state')).toHaveTextContent('Ready'), { timeout: 3000 });
    await waitFor(() => expect(fake.calls.filter((call) => call.channel === 'orgs:list').length).toBeGreaterThan(listReads));
    expect(await screen.findByRole('option', { name: /Demo org \(local\)/ })).toBeInTheDocument();
  });

  it('colours the demo org’s dot by its state, never green beside a failed demo org', async () => {
    const { fake } = await openOrgs([org('demo', 'Demo org (local)', { isDemo: true, color: '#2e844a' }), org('prod', 'Prod', { color: '#123456' })]);
    const dot = await within(area()).findByTestId('demo-org-dot');
    await waitFor(() => expect(dot).toHaveStyle({ backgroundColor: '#2e844a' }));
    fake.emit('orgs:demo-status', { ...demoReady, state: 'failed', error: { message: 'The local org could not start.' } });
    await waitFor(() => expect(within(area()).getByTestId('demo-org-dot')).toHaveStyle({ backgroundColor: '#ba0516' }));
    expect(within(area()).getByTestId('demo-org-dot')).toHaveAttribute('title', 'Demo org: failed');
    fake.emit('orgs:demo-status', { ...demoReady, state: 'starting' });
    await waitFor(() => expect(within(area()).getByTestId('demo-org-dot')).toHaveStyle({ backgroundColor: '#dd7a01' }));
  });

  it('says in one line when the demo org’s key is kept in memory because no keychain answered', async () => {
    const { fake } = await openOrgs([]);
    expect(await within(area()).findByTestId('demo-org-state')).toHaveTextContent('Ready');
    expect(within(area()).queryByTestId('demo-org-key-in-memory')).toBeNull();
    fake.emit('orgs:demo-status', { ...demoReady, keyInMemory: true });
    expect(await within(area()).findByTestId('demo-org-key-in-memory')).toHaveTextContent(/no OS keychain.*kept in memory until OrgDesk closes/i);
    expect(within(area()).getByTestId('demo-org-state')).toHaveTextContent('Ready');
  });

  it('starts the demo org on request', async () => {
    const { fake, user } = await openOrgs([], {
      'orgs:demo-status': { state: 'stopped', url: null, profileId: null, error: null, keyInMemory: false },
      'orgs:demo-start': demoReady,
    });
    await user.click(await within(area()).findByRole('button', { name: 'Start demo org' }));
    expect(fake.calls).toContainEqual({ channel: 'orgs:demo-start', args: {} });
    expect(await within(area()).findByTestId('demo-org-state')).toHaveTextContent('Ready');
  });
});
