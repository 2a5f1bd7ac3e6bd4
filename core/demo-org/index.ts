export type { DemoOrg } from './demo-org';
