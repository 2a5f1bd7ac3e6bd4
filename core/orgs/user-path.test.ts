import { describe, expect, it } from 'vitest';
import { resolveUserPath } from './user-path';

describe('resolveUserPath', () => {
  it('starts ~/ at the home folder', () => {
    expect(resolveUserPath('~/certs/orgdesk-acme.crt', '/home/ada', '/srv')).toBe('/home/ada/certs/orgdesk-acme.crt');
  });

  it('keeps an absolute path and normalises it', () => {
    expect(resolveUserPath(' /tmp/a/../orgdesk.crt ', '/home/ada', '/srv')).toBe('/tmp/orgdesk.crt');
  });

  it('resolves a relative path against the base folder', () => {
    expect(resolveUserPath('orgdesk.crt', '/home/ada', '/srv')).toBe('/srv/orgdesk.crt');
  });

  it('reads a lone ~ as the home folder', () => {
    expect(resolveUserPath('~', '/home/ada', '/srv')).toBe('/home/ada');
  });
});
