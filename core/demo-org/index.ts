export { createDemoOrg, DEMO_ORG_LABEL } from './demo-org';
export type { DemoOrg, DemoOrgOptions, LocalOrg, StartLocalOrg } from './demo-org';
