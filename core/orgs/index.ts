export { createOrgProfileStore } from './org-profile-store';
export type { OrgProfileStore, StoredOrgProfile } from './org-profile-store';
export { createOrgsService } from './orgs-service';
export type { OrgConnection, OrgsService, OrgsServiceOptions } from './orgs-service';
export { orgConnections } from './org-connections';
export type { ServiceConnection } from './org-connections';
