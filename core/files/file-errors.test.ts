import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors';
import { fileFailureReason, toFileError } from './file-errors';

const errno = (code: string): Error => Object.assign(new Error(`${code}: failed`), { code });

describe('toFileError', () => {
  it('names the path and says why a write failed, with what to do', () => {
    const error = toFileError(errno('ENOSPC'), '/data/out.csv');
    expect(error).toMatchObject({ code: 'FILE', message: 'OrgDesk could not write /data/out.csv: the disk is full (ENOSPC).', hint: expect.stringMatching(/^Free some disk space/) as unknown });
  });

  it('says a missing file does not exist when it was being read, and that its folder does not when it was being written', () => {
    expect(toFileError(errno('ENOENT'), '/data/in.csv', 'read').message).toBe('OrgDesk could not read /data/in.csv: it does not exist (ENOENT).');
    expect(toFileError(errno('ENOENT'), '/data/out.csv').message).toBe('OrgDesk could not write /data/out.csv: the folder does not exist (ENOENT).');
  });

  it("takes the caller's hint over the reason's, finds a code on a cause, and lets a ServiceError through unchanged", () => {
    const wrapped = new Error('stream failed', { cause: errno('EACCES') });
    expect(toFileError(wrapped, '/x', 'write', 'Resume the load.')).toMatchObject({ message: 'OrgDesk could not write /x: permission was denied (EACCES).', hint: 'Resume the load.' });
    const original = new ServiceError('CANCELLED', 'Stopped.');
    expect(toFileError(original, '/x')).toBe(original);
  });

  it('knows no reason for an error without a code, and quotes its message instead', () => {
    expect(fileFailureReason(new Error('boom'))).toBeUndefined();
    expect(toFileError(new Error('boom'), '/x').message).toBe('OrgDesk could not write /x: boom.');
  });
});
