/**
 * Salesforce record ids: 15 case-sensitive characters (a 3-character key prefix first), or 18 with a 3-character suffix
 * that encodes the case of the first 15 so case-insensitive tools keep ids apart. The suffix algorithm is public: for each
 * 5-character chunk, a bit per upper-case letter (first character = lowest bit) picks a character of A–Z0–5.
 */

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character case suffix of a 15-character id. */
export function idSuffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += SUFFIX_CHARS[bits] ?? '';
  }
  return out;
}

/** Why a text is not a record id, or null when it is one (15 or 18 letters and digits, the 18-character suffix matching). */
export function recordIdProblem(text: string): string | null {
  if (text.length !== 15 && text.length !== 18) return `an id has 15 or 18 characters; this one has ${text.length}`;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!alnum) return 'an id holds only letters and digits';
  }
  if (text.length === 18) {
    const expected = idSuffix(text.slice(0, 15));
    // Salesforce reads the suffix ignoring its case (it exists for case-insensitive tools).
    if (text.slice(15).toUpperCase() !== expected) {
      return `its last 3 characters should be ${expected} for the case of the first 15: the id was mistyped or its case was changed (e.g. by Excel)`;
    }
  }
  return null;
}

/** The 18-character form of a valid 15- or 18-character id (the suffix in its canonical upper case). */
export function toId18(id: string): string {
  const id15 = id.slice(0, 15);
  return id15 + idSuffix(id15);
}

/**
 * Key prefixes of standard objects that never change between orgs, for checking a lookup's id when the parent's describe
 * is not at hand (custom objects' prefixes differ per org: they come from the global describe).
 */
export const STANDARD_KEY_PREFIXES: Readonly<Record<string, string>> = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  Lead: '00Q',
  Group: '00G',
  Task: '00T',
  Event: '00U',
  Case: '500',
  Campaign: '701',
  Contract: '800',
  Order: '801',
  Product2: '01t',
  Pricebook2: '01s',
  PricebookEntry: '01u',
  RecordType: '012',
  Profile: '00e',
  UserRole: '00E',
  Asset: '02i',
  Solution: '501',
};
