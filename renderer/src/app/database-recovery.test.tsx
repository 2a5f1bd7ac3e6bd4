import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DatabaseStatus } from '../../../shared/ipc/domains/app';
import { installFakeBridge, type FakeAnswers } from '../../test/fake-bridge';
import { App } from './app';

const info = { version: '0.1.0', platform: 'linux', mode: 'browser' as const };
const path = '/home/ada/.config/OrgDesk/orgdesk.db';
const damaged: DatabaseStatus = {
  state: 'needs-recovery',
  problem: 'damaged',
  path,
  message: `OrgDesk's local database (${path}) is damaged and cannot be opened.`,
  hint: 'Move it aside and start fresh: OrgDesk renames the file (nothing is deleted) and creates a new one.',
};
const movedTo = `${path}.damaged-2026-11-28T10-00-00-000Z`;

function start(answers: FakeAnswers = {}): ReturnType<typeof installFakeBridge> {
  let status: DatabaseStatus = damaged;
  return installFakeBridge({
    'app:info': info,
    'orgs:list': [],
    'app:database-status': () => status,
    'app:database-recover': () => {
      status = { state: 'ready', path };
      return { movedTo, path };
    },
    ...answers,
  });
}

describe('the database recovery screen', () => {
  it('replaces the areas with what happened, where the file is, and that nothing was deleted', async () => {
    start();
    render(<App />);
    expect(await screen.findByRole('heading', { name: "OrgDesk can't open its local database" })).toBeInTheDocument();
    expect(screen.getByText(damaged.message)).toBeInTheDocument();
    expect(screen.getByText(path)).toBeInTheDocument();
    expect(screen.getByText(/Nothing has been deleted/)).toBeInTheDocument();
    expect(screen.queryByRole('tablist', { name: 'Areas' })).not.toBeInTheDocument();
  });

  it('asks before moving the file, and Cancel leaves it where it is', async () => {
    const fake = start();
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Move it aside and start fresh' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Move the database aside?' });
    expect(within(dialog).getByText(/orgdesk\.db\.damaged-<date and time> \(it is not deleted\)/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(fake.calls.map((call) => call.channel)).not.toContain('app:database-recover');
  });

  it('moves the file aside once confirmed, then loads the app and says where the old file is', async () => {
    const fake = start();
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Move it aside and start fresh' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Move it aside' }));
    expect(await screen.findByRole('tablist', { name: 'Areas' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(`OrgDesk started with a fresh database. The old file is kept at ${movedTo}.`);
    expect(fake.calls.filter((call) => call.channel === 'app:database-recover')).toHaveLength(1);
    await user.click(within(screen.getByRole('status')).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(/The old file is kept/)).not.toBeInTheDocument();
    expect(screen.getByRole('tablist', { name: 'Areas' })).toBeInTheDocument();
  });

  it('stays on the screen and shows the message and hint when moving the file fails', async () => {
    start({
      'app:database-recover': {
        error: { code: 'INTERNAL', message: `OrgDesk could not move its local database (${path}) aside.`, hint: 'Check that the folder is writable.' },
      },
    });
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Move it aside and start fresh' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Move it aside' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('could not move its local database');
    expect(alert).toHaveTextContent('Check that the folder is writable.');
    expect(screen.getByRole('button', { name: 'Move it aside and start fresh' })).toBeInTheDocument();
  });

  it('says when the file comes from a newer OrgDesk', async () => {
    start({ 'app:database-status': { ...damaged, problem: 'newer-version', message: 'It was written by a newer OrgDesk.' } });
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'This local database is from a newer OrgDesk' })).toBeInTheDocument();
  });
});
