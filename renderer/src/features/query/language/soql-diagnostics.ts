import { parseQuery } from '@jetstreamapp/soql-parser-js';
import type { ObjectInfo } from '../../../../../shared/ipc/contract';
import { analyzeSoql, fieldReferences, scopeObject, stripScopePrefix, type SoqlScope } from './soql-context';
import { findField, findObject, relationshipNames, resolveObjectRef, walkRelationships, type SchemaCatalog } from './soql-schema';

/** What a diagnostic is about; quick fixes key on it. */
type DiagnosticCode = 'syntax' | 'unknown-object' | 'unknown-child-relationship' | 'unknown-relationship' | 'unknown-field';

/** A problem in SOQL text at `[start, end)`, with a near-miss replacement when one exists. */
export type SoqlDiagnostic = {
  start: number;
  end: number;
  message: string;
  severity: 'error' | 'warning';
  code: DiagnosticCode;
  suggestion?: string;
};

/** Edit distance between two names, case-insensitive: Levenshtein with a swap of neighbours counting as one edit (`Nmae`). */
export function levenshtein(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [Array.from({ length: t.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= s.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= t.length; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[s.length]![t.length]!;
}

/** The candidate closest to a misspelt name, if it is near enough to be what was meant (≤ 1 edit per 3 letters, at most 3). */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = levenshtein(name, candidate);
    if (d < bestDistance && d <= limit) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

const foundPattern = /but found:? ?(?:--> )?'([\s\S]*)'(?: <--)?\s*$/;

function errorOf(text: string): Error | null {
  try {
    parseQuery(text);
    return null;
  } catch (error: unknown) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function foundToken(error: Error): string | null {
  const m = foundPattern.exec(error.message);
  return m === null ? null : (m[1] ?? '');
}

function readableSyntaxMessage(error: Error): string {
  const found = foundToken(error);
  if (found === null) return error.message.replace(/\s*\(\d+:\d+\)$/, '');
  if (found === '') return 'The statement ends too early: something is missing at the end.';
  const expected = /Expecting token of type --> (\w+) <--/.exec(error.message)?.[1];
  return expected === undefined ? `Unexpected '${found}' here.` : `Expected ${expected} but found '${found}'.`;
}

/**
 * The syntax error of a statement, placed at the token the parser stopped at, or null when it parses.
 * soql-parser-js drops the token position from its errors, so the position is found again: the offending token is the
 * first occurrence of the reported text where the statement cut right after it still fails on that same token.
 */
export function syntaxDiagnostic(text: string): SoqlDiagnostic | null {
  if (text.trim() === '') return null;
  const error = errorOf(text);
  if (error === null) return null;
  const message = readableSyntaxMessage(error);
  const lexing = /\((\d+):(\d+)\)$/.exec(error.message);
  if (error.name === 'LexingError' && lexing !== null) {
    const offset = offsetOf(text, Number(lexing[1]), Number(lexing[2]));
    return { start: offset, end: Math.min(text.length, offset + 1), message, severity: 'error', code: 'syntax' };
  }
  const found = foundToken(error);
  if (found === null || found === '') {
    const end = text.trimEnd().length;
    const start = Math.max(0, end - (/\S+$/.exec(text.slice(0, end))?.[0].length ?? 1));
    return { start, end: Math.max(end, start + 1), message, severity: 'error', code: 'syntax' };
  }
  const candidates = occurrences(text, found);
  for (const index of candidates) {
    const cut = errorOf(text.slice(0, index + found.length));
    if (cut !== null && foundToken(cut) === found) return { start: index, end: index + found.length, message, severity: 'error', code: 'syntax' };
  }
  const index = candidates[0] ?? 0;
  return { start: index, end: index + Math.max(1, found.length), message, severity: 'error', code: 'syntax' };
}

function occurrences(text: string, token: string): number[] {
  const result: number[] = [];
  const wordy = /^\w/.test(token);
  for (let i = text.indexOf(token); i !== -1; i = text.indexOf(token, i + 1)) {
    const before = text[i - 1];
    const after = text[i + token.length];
    if (wordy && ((before !== undefined && /[\w.]/.test(before)) || (after !== undefined && /\w/.test(after)))) continue;
    result.push(i);
  }
  return result;
}

/** Converts a 1-based line and column into an offset into the text. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l += 1) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

/**
 * Syntax and schema diagnostics of SOQL text: unknown objects, child relationships, parent relationships and fields.
 *
 * Schema diagnostics need the org's object list: with no org chosen, or while its global describe failed, the list is empty
 * and nothing is known, so only syntax is checked (every org has objects; an empty list never means "Account is unknown").
 */
export async function diagnoseSoql(text: string, catalog: SchemaCatalog): Promise<SoqlDiagnostic[]> {
  const diagnostics: SoqlDiagnostic[] = [];
  const syntax = syntaxDiagnostic(text);
  if (syntax !== null) diagnostics.push(syntax);
  const structure = analyzeSoql(text);
  const schemaKnown = structure.scopes.length > 0 && (await catalog.objects()).length > 0;
  if (schemaKnown) for (const scope of structure.scopes) diagnostics.push(...(await diagnoseScope(scope, catalog)));
  return diagnostics.sort((a, b) => a.start - b.start);
}

async function diagnoseScope(scope: SoqlScope, catalog: SchemaCatalog): Promise<SoqlDiagnostic[]> {
  const from = scope.from;
  const ref = scopeObject(scope);
  if (from === null || ref === null) return [];
  const fromText = from.text.replace(/\.$/, '');
  let object: ObjectInfo | null;
  if (ref.kind === 'object') {
    const summary = await findObject(catalog, ref.name);
    if (summary === undefined) {
      const suggestion = nearestName(ref.name, (await catalog.objects()).map((o) => o.name));
      return [withSuggestion({ start: from.start, end: from.start + fromText.length, severity: 'error', code: 'unknown-object', message: `The org has no object named '${ref.name}'.` }, suggestion)];
    }
    object = await catalog.describe(summary.name);
  } else {
    const parent = await resolveObjectRef(catalog, ref.parent);
    if (parent === null) return [];
    object = await resolveObjectRef(catalog, ref);
    if (object === null) {
      const start = from.start + fromText.length - ref.relationship.length;
      const suggestion = nearestName(ref.relationship, parent.childRelationships.map((r) => r.relationshipName));
      return [withSuggestion({ start, end: start + ref.relationship.length, severity: 'error', code: 'unknown-child-relationship', message: `${parent.name} has no child relationship named '${ref.relationship}'.` }, suggestion)];
    }
  }
  if (object === null) return [];
  const diagnostics: SoqlDiagnostic[] = [];
  const rels = relationshipNames(object);
  for (const field of fieldReferences(scope)) {
    const path = stripScopePrefix(scope, field.segments, rels);
    let offset = field.start;
    for (let i = 0; i < field.segments.length - path.length; i += 1) offset += field.segments[i]!.length + 1;
    const segmentStart = (index: number): number => {
      let at = offset;
      for (let i = 0; i < index; i += 1) at += path[i]!.length + 1;
      return at;
    };
    const walked = await walkRelationships(catalog, object, path.slice(0, -1));
    if (!walked.ok) {
      const { index, object: at } = walked.failure;
      const name = path[index]!;
      const start = segmentStart(index);
      const suggestion = nearestName(name, at.fields.flatMap((f) => (f.relationshipName === null ? [] : [f.relationshipName])));
      diagnostics.push(withSuggestion({ start, end: start + name.length, severity: 'error', code: 'unknown-relationship', message: `${at.name} has no relationship named '${name}'.` }, suggestion));
      continue;
    }
    const last = path[path.length - 1]!;
    if (findField(walked.object, last) === undefined) {
      const start = segmentStart(path.length - 1);
      const suggestion = nearestName(last, walked.object.fields.map((f) => f.name));
      diagnostics.push(withSuggestion({ start, end: start + last.length, severity: 'error', code: 'unknown-field', message: `${walked.object.name} has no field named '${last}'.` }, suggestion));
    }
  }
  return diagnostics;
}

function withSuggestion(diagnostic: SoqlDiagnostic, suggestion: string | undefined): SoqlDiagnostic {
  if (suggestion === undefined) return diagnostic;
  return { ...diagnostic, suggestion, message: `${diagnostic.message} Did you mean '${suggestion}'?` };
}
