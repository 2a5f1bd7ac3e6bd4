export { createOrgsService } from './orgs-service';
export type { OrgsService } from './orgs-service';
export { orgConnections } from './org-connections';
