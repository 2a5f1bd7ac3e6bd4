import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { LoadSummary, UndoPreview } from '../../../../shared/ipc/contract';
import { installFakeBridge } from '../../../test/fake-bridge';
import { UndoDialog } from './undo-dialog';

const load: LoadSummary = {
  loadId: 'L7',
  orgId: 'org1',
  fileName: 'contacts-update.csv',
  sourcePath: '/tmp/contacts-update.csv',
  objectName: 'Contact',
  operation: 'update',
  state: 'done',
  counts: { input: 40, excluded: 0, uploaded: 40, processed: 40, success: 40, failed: 0, unprocessed: 0 },
  jobs: [],
  files: { success: '/tmp/s.csv', failure: '/tmp/f.csv', unprocessed: '/tmp/u.csv', excluded: null },
  startedAt: '2026-01-01T09:00:00.000Z',
  endedAt: '2026-01-01T09:01:00.000Z',
};

const preview: UndoPreview = {
  loadId: 'L7',
  objectName: 'Contact',
  operation: 'update',
  steps: [{ kind: 'restore-updated', records: 40 }],
  conflictCount: 2,
  conflicts: [
    { id: '003000000000001AAA', modifiedAt: '2026-01-01T10:00:00.000Z' },
    { id: '003000000000002AAA', modifiedAt: '2026-01-01T10:05:00.000Z' },
  ],
  conflictsFile: '/loads/L7.undo/conflicts.csv',
  notes: ['2 records changed after the load ended; they are overwritten with their values from before the load.'],
};

describe('UndoDialog', () => {
  it('lists the steps and the conflicts, and starts the undo with the decision taken', async () => {
    const fake = installFakeBridge({ 'load:undo-preview': preview, 'load:undo': { started: true } });
    const onStarted = vi.fn();
    render(<UndoDialog load={load} onStarted={onStarted} onCancel={() => undefined} />);
    expect(await screen.findByText(/Write back the values the load changed: 40 records/)).toBeTruthy();
    expect(screen.getByText(/2 records changed since the load ended/)).toBeTruthy();
    expect(screen.getByText(/003000000000001AAA/)).toBeTruthy();
    expect(screen.getByText(/conflicts\.csv/)).toBeTruthy();
    fireEvent.click(screen.getByLabelText(/Overwrite them/));
    fireEvent.click(screen.getByRole('button', { name: 'Undo load' }));
    await waitFor(() => expect(onStarted).toHaveBeenCalled());
    expect(fake.calls.find((call) => call.channel === 'load:undo')?.args).toEqual({ loadId: 'L7', conflicts: 'overwrite' });
  });

  it('shows why a load cannot be undone and starts nothing', async () => {
    const fake = installFakeBridge({ 'load:undo-preview': { error: { code: 'VALIDATION', message: 'The load ran without a before-image, so it cannot be undone.' } } });
    render(<UndoDialog load={load} onStarted={() => undefined} onCancel={() => undefined} />);
    expect(await screen.findByText(/cannot be undone/)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Undo load' }).disabled).toBe(true);
    expect(fake.calls.some((call) => call.channel === 'load:undo')).toBe(false);
  });
});
