import { afterAll, beforeAll } from 'vitest';
import type { OrgSummary } from '../../shared/ipc/contract';

/** The active org the area tests render under: a demo profile with no certificate. */
export const demoOrg: OrgSummary = {
  id: 'org1',
  label: 'Demo',
  environment: 'production',
  myDomainUrl: null,
  consumerKey: 'k',
  username: 'admin@demo',
  apiVersion: null,
  color: '#0176d3',
  isDemo: true,
  certificate: null,
  instanceUrl: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/**
 * Gives every element the sizes a virtualized list needs for the file's tests (jsdom measures 0, so nothing would be
 * drawn), restoring what was there after.
 */
export function stubElementSizes(sizes: { clientHeight: number; clientWidth: number }): void {
  const saved = new Map<string, PropertyDescriptor | undefined>();
  beforeAll(() => {
    for (const [key, value] of Object.entries(sizes)) {
      saved.set(key, Object.getOwnPropertyDescriptor(HTMLElement.prototype, key));
      Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => value });
    }
  });
  afterAll(() => {
    for (const [key, descriptor] of saved) {
      if (descriptor === undefined) Reflect.deleteProperty(HTMLElement.prototype, key);
      else Object.defineProperty(HTMLElement.prototype, key, descriptor);
    }
  });
}
