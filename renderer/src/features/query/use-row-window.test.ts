import { renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { installFakeBridge } from '../../../test/fake-bridge';
import { useRowWindow } from './use-row-window';

describe('useRowWindow', () => {
  it('asks main for the sorted window again when the run settles, even when no new rows came with the end', async () => {
    // Main keeps a sorted view while rows arrive and sorts once more at the end: the last view must be fetched.
    let matched = 400;
    const fake = installFakeBridge({ 'query:rows': (args) => ({ offset: args.offset, rows: [['a']], matched, fetched: 1000, totalSize: 1000 }) });
    const sort = [{ column: 'Name', descending: false }];
    const { result, rerender } = renderHook(({ settled }) => useRowWindow('run1', 1000, sort, '', settled), { initialProps: { settled: false } });
    await waitFor(() => expect(result.current.rowCount).toBe(400));
    const before = fake.calls.filter((c) => c.channel === 'query:rows').length;
    matched = 1000;
    rerender({ settled: true });
    await waitFor(() => expect(result.current.rowCount).toBe(1000));
    expect(fake.calls.filter((c) => c.channel === 'query:rows').length).toBeGreaterThan(before);
  });

  it('asks again for a window main answered while its filter was still counting, until the count is done', async () => {
    let asked = 0;
    installFakeBridge({
      'query:rows': (args) => {
        asked += 1;
        return asked < 3
          ? { offset: args.offset, rows: [['a']], matched: 100 * asked, fetched: 5000, totalSize: 5000, counting: true }
          : { offset: args.offset, rows: [['a']], matched: 4321, fetched: 5000, totalSize: 5000 };
      },
    });
    const { result } = renderHook(() => useRowWindow('run1', 5000, [], 'son', true));
    await waitFor(() => expect(result.current.rowCount).toBe(4321));
    const settledAt = asked;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(asked).toBe(settledAt);
  });
});
