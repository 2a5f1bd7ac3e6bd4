export { createDemoOrg, DEMO_ORG_LABEL } from './demo-org';
export type { DemoOrg, DemoOrgOptions, LocalOrg, StartLocalOrg } from './demo-org';
export { createDemoKeyStore } from './demo-key-store';
export type { DemoKeyStore } from './demo-key-store';
