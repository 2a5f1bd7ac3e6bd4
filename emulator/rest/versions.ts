/** The API versions the org serves (`GET /services/data`) and the resources of one version. */

/** Oldest and newest versions served. */
const MIN_API_VERSION = 20;
/** The newest version: Spring '26. */
export const MAX_API_VERSION = 66;

/** The release label of a version: v20.0 is Winter '11, then Spring, Summer, Winter each year. */
function releaseLabel(major: number): string {
  const index = major - 20;
  const season = ['Winter', 'Spring', 'Summer'][((index % 3) + 3) % 3] as string;
  const year = 11 + Math.floor(index / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

/** The body of `GET /services/data`: every version, oldest first. */
export function versionList(): { label: string; url: string; version: string }[] {
  const out: { label: string; url: string; version: string }[] = [];
  for (let major = MIN_API_VERSION; major <= MAX_API_VERSION; major += 1) {
    out.push({ label: releaseLabel(major), url: `/services/data/v${major}.0`, version: `${major}.0` });
  }
  return out;
}

/** Parses `v60.0` into its number, or undefined when the org does not serve it. */
export function parseApiVersion(segment: string): { major: number; text: string } | undefined {
  const m = /^v(\d{2})\.0$/.exec(segment);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major >= MIN_API_VERSION && major <= MAX_API_VERSION ? { major, text: `${major}.0` } : undefined;
}

/** The body of `GET /services/data/vXX.X`: resource name → path. */
export function resourceMap(versionText: string): Record<string, string> {
  const base = `/services/data/v${versionText}`;
  const names = ['tooling', 'metadata', 'eclair', 'folders', 'prechatForms', 'contact-tracing', 'jsonxform', 'chatter', 'tabs', 'appMenu', 'quickActions', 'queryAll', 'commerce', 'wave', 'iot', 'analytics', 'search', 'identity', 'composite', 'parameterizedSearch', 'fingerprint', 'theme', 'nouns', 'domino', 'event', 'serviceTemplates', 'recent', 'connect', 'licensing', 'limits', 'process', 'async-queries', 'query', 'match', 'emailConnect', 'compactLayouts', 'knowledgeManagement', 'sobjects', 'actions', 'support', 'jobs', 'ui-api', 'consent', 'scheduling'];
  const map: Record<string, string> = {};
  for (const name of names) map[name] = name === 'identity' ? '' : `${base}/${name}`;
  delete map.identity;
  return map;
}
