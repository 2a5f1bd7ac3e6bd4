import type { OrgEnvironment } from '../../shared/salesforce/org-profile';
import { PRODUCTION_LOGIN_URL, SANDBOX_LOGIN_URL } from '../../shared/salesforce/org-profile';
import { ServiceError } from '../errors';

/**
 * The login URL of an environment, which is also the JWT `aud`: login.salesforce.com, test.salesforce.com, or the My Domain
 * URL itself (sfdx-core tries the My Domain URL as audience first; the token endpoint accepts all three).
 */
export function loginUrlFor(environment: OrgEnvironment, myDomainUrl: string | null): string {
  switch (environment) {
    case 'production':
      return PRODUCTION_LOGIN_URL;
    case 'sandbox':
      return SANDBOX_LOGIN_URL;
    case 'mydomain': {
      if (myDomainUrl === null || myDomainUrl.trim() === '') {
        throw new ServiceError('VALIDATION', 'This profile has no My Domain URL.', 'Edit the profile and enter the URL, such as https://acme.my.salesforce.com.');
      }
      return new URL(myDomainUrl.trim()).origin;
    }
  }
}
