import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../shared/ipc/result';
import { EXIT, exitCodeFor } from './exit-codes';

describe('exit codes', () => {
  it('gives every error code of the contract its own exit status, none of them 0 or the rows-failed status', () => {
    const statuses = ERROR_CODES.map(exitCodeFor);
    expect(new Set(statuses).size).toBe(ERROR_CODES.length);
    expect(statuses).not.toContain(EXIT.ok);
    expect(statuses).not.toContain(EXIT.rowsFailed);
    expect(exitCodeFor('VALIDATION')).toBe(EXIT.usage);
    expect(exitCodeFor('CANCELLED')).toBe(130);
  });
});
