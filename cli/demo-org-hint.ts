import type { OrgProfile } from '../shared/salesforce/org-profile';
import { ServiceError } from '../core/errors';

/**
 * The demo org lives inside the app (it starts with it, on a new port each launch), so from the CLI it answers only while
 * the app runs: a network failure on the demo profile says so instead of the app's "restart it from the Orgs area".
 */
export function explainForProfile(profile: OrgProfile, error: unknown): unknown {
  if (!profile.isDemo || !(error instanceof ServiceError) || error.code !== 'NETWORK') return error;
  return new ServiceError(
    'NETWORK',
    `${error.message.replace(/\.$/, '')}: the demo org runs inside the OrgDesk app.`,
    'Open OrgDesk (npm start, or npm run web) so the demo org is listening, then run the command again.',
    { cause: error },
  );
}
