/**
 * Checking one CSV row against the plan and the object's describe, before any API call, and writing its cells as the job
 * CSV needs them (issue 9, item 3). Each mapped column gets its rule once, when the validator is built, so a row costs a
 * loop over its cells; nothing is allocated for a valid cell that needs no normalising.
 */
import type { FieldMapping, LoadField, LoadObject, LoadOperation, LoadPlan, PreflightIssueKind } from '../../shared/ipc/domains/load';
import { assertNever } from '../../shared/ipc/result';
import { ServiceError } from '../errors';
import { createDateReader, type DateReader, type ValueProblem } from './date-values';
import { readMappingTarget, type MappingTarget } from './field-mapping';
import { createKeySet, type KeySet } from './key-set';
import { findLoadField } from './load-object';
import { recordIdProblem, STANDARD_KEY_PREFIXES, toId18 } from './record-id';

/** One problem of one cell (or of the row, for ragged rows and unmapped required fields). */
export type RowIssue = { kind: PreflightIssueKind; column: string; value: string; why: string };

/** A row's outcome: its cells for the job CSV, or its issues. */
export type RowCheck = { ok: true; cells: string[] } | { ok: false; issues: RowIssue[] };

/** Checks rows in file order; it remembers keys, so each file needs a fresh one. */
export type RowValidator = {
  /** The job CSV's header, as Bulk API 2.0 wants it: field names, `Account.External_Id__c`, `Account:What.External_Id__c`. */
  outputHeaders: string[];
  check(values: string[], row: number): RowCheck;
};

/** What the validator is built from. */
export type RowValidatorInput = {
  plan: LoadPlan;
  object: LoadObject;
  headers: string[];
  /** Key prefixes by object name (from the global describe), to check lookup ids; well-known standard ones are built in. */
  keyPrefixes?: Readonly<Record<string, string>> | undefined;
};

/** The text Bulk API 2.0 reads as "set this field to null" (salesforce-api.md §4.7). */
export const NULL_VALUE = '#N/A';

/** A cell rule: the normalised text, or why the value cannot be loaded. */
type Rule = (raw: string) => string | RuleFailure;
type RuleFailure = { kind: PreflightIssueKind; why: string };

type Column = {
  /** The CSV column's index, or -1 for a constant. */
  index: number;
  /** The column as the person named it (or `constant` for a constant). */
  label: string;
  constant: string | null;
  rule: Rule;
  /** The issue for an empty cell, when the operation needs a value. */
  whenEmpty: RuleFailure | null;
  /** The issue for `#N/A`, when the field cannot be nulled. */
  whenNull: RuleFailure | null;
  /** The issue for any value, when the operation cannot write the field. */
  whenWritten: RuleFailure | null;
  isKey: boolean;
};

const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

function planError(message: string, hint: string): ServiceError {
  return new ServiceError('VALIDATION', message, hint);
}

function isText(type: string): boolean {
  return ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox', 'encryptedstring'].includes(type);
}

function numberRule(field: LoadField): Rule {
  const integer = field.type === 'int';
  const intDigits = field.precision > 0 ? field.precision - field.scale : integer ? 10 : 0;
  const label = integer ? 'a whole number' : 'a number';
  return (raw) => {
    let text = raw.trim();
    if (field.type === 'percent' && text.endsWith('%')) text = text.slice(0, -1).trimEnd();
    if (GROUPED.test(text)) text = text.replace(/,/g, '');
    if (!(integer ? INT : DECIMAL).test(text)) {
      return { kind: 'bad-number', why: `not ${label}${text.includes(',') ? ' (write decimals with a point, without thousands separators)' : ''}` };
    }
    const value = Number(text);
    if (!Number.isFinite(value)) return { kind: 'bad-number', why: 'the number is too large' };
    if (integer && (value > 2_147_483_647 || value < -2_147_483_648)) return { kind: 'bad-number', why: 'a whole-number field holds at most 2,147,483,647' };
    if (intDigits > 0 && Math.abs(value) >= 10 ** intDigits) {
      return { kind: 'bad-number', why: `${field.name} holds at most ${intDigits} digits before the decimal point` };
    }
    return text;
  };
}

function booleanRule(raw: string): string | RuleFailure {
  switch (raw.trim().toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
      return 'true';
    case 'false':
    case '0':
    case 'no':
      return 'false';
    default:
      return { kind: 'bad-boolean', why: 'a checkbox takes true or false (or 1/0, yes/no)' };
  }
}

function textRule(field: LoadField): Rule {
  const max = field.length;
  const picklist = field.restrictedPicklist && (field.type === 'picklist' || field.type === 'multipicklist') ? new Map(field.picklistValues.map((v) => [v.toLowerCase(), v])) : null;
  const multi = field.type === 'multipicklist';
  const allowed = (): string => {
    const shown = field.picklistValues.slice(0, 8).join(', ');
    return field.picklistValues.length > 8 ? `${shown}, …` : shown;
  };
  return (raw) => {
    if (max > 0 && raw.length > max) return { kind: 'text-too-long', why: `${raw.length} characters; ${field.name} holds at most ${max}` };
    if (picklist === null) return raw;
    if (!multi) {
      const value = picklist.get(raw.toLowerCase());
      return value ?? { kind: 'bad-picklist', why: `not a value of the restricted picklist ${field.name} (${allowed()})` };
    }
    const parts = raw.split(';');
    for (let i = 0; i < parts.length; i += 1) {
      const value = picklist.get((parts[i] ?? '').toLowerCase());
      if (value === undefined) return { kind: 'bad-picklist', why: `"${parts[i] ?? ''}" is not a value of the restricted picklist ${field.name} (${allowed()})` };
      parts[i] = value;
    }
    return parts.join(';');
  };
}

function idRule(field: LoadField, object: LoadObject, keyPrefixes: Readonly<Record<string, string>>): Rule {
  // Id fields hold the object's own ids; a lookup holds ids of the objects it points at, when their prefixes are known.
  const targets = field.type === 'id' ? [object.name] : field.referenceTo;
  const prefixes: string[] = [];
  for (const target of targets) {
    const prefix = target === object.name && object.keyPrefix !== null ? object.keyPrefix : (keyPrefixes[target] ?? STANDARD_KEY_PREFIXES[target]);
    if (prefix === undefined) {
      prefixes.length = 0;
      break;
    }
    prefixes.push(prefix);
  }
  return (raw) => {
    const problem = recordIdProblem(raw);
    if (problem !== null) return { kind: 'bad-id', why: problem };
    if (prefixes.length > 0 && !prefixes.includes(raw.slice(0, 3))) {
      return { kind: 'wrong-object-id', why: `ids of ${targets.join(' or ')} start with ${prefixes.join(' or ')}; this one starts with ${raw.slice(0, 3)}` };
    }
    return raw;
  };
}

function dateRule(read: (raw: string) => string | ValueProblem, kind: PreflightIssueKind): Rule {
  return (raw) => {
    const value = read(raw);
    return typeof value === 'string' ? value : { kind, why: value.why };
  };
}

function valueRule(field: LoadField, object: LoadObject, dates: DateReader, keyPrefixes: Readonly<Record<string, string>>): Rule {
  switch (field.type) {
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return numberRule(field);
    case 'boolean':
      return booleanRule;
    case 'date':
      return dateRule(dates.date, 'bad-date');
    case 'datetime':
      return dateRule(dates.dateTime, 'bad-datetime');
    case 'time':
      return dateRule(dates.time, 'bad-datetime');
    case 'id':
    case 'reference':
      return idRule(field, object, keyPrefixes);
    default:
      return isText(field.type) ? textRule(field) : (raw) => raw;
  }
}

/** Whether the operation needs this field to be writable, and the issue when it is not. */
function writeIssue(field: LoadField, operation: LoadOperation, isKey: boolean): RuleFailure | null {
  if (isKey) return null;
  switch (operation) {
    case 'insert':
      return field.createable ? null : { kind: 'not-createable', why: `${field.name} cannot be set when a record is created` };
    case 'update':
      return field.updateable ? null : { kind: 'not-updateable', why: `${field.name} cannot be changed on an existing record` };
    case 'upsert':
      return field.createable || field.updateable ? null : { kind: 'not-updateable', why: `${field.name} cannot be written` };
    case 'delete':
    case 'hardDelete':
      return null;
    default:
      return assertNever(operation);
  }
}

/** The key each row must carry: Id for update and delete, the external id for upsert, none for insert. */
function keyFieldOf(plan: LoadPlan, object: LoadObject): LoadField | null {
  switch (plan.operation) {
    case 'insert':
      return null;
    case 'update':
    case 'delete':
    case 'hardDelete':
      return findLoadField(object, 'Id') ?? null;
    case 'upsert': {
      const name = plan.externalIdField;
      if (name === undefined || name === '') {
        throw planError('An upsert needs an external id field to match records on.', `Pick one of ${object.name}'s external id fields, Id, or a lookup field for the upsert.`);
      }
      const field = findLoadField(object, name);
      if (field === undefined || !(field.externalId || field.idLookup || field.type === 'id')) {
        throw planError(
          `${name} is neither Id, an external id field nor a lookup field of ${object.name}, so an upsert cannot match records on it.`,
          'Pick Id, a field marked External ID, or a lookup field (such as Contact.Email) for the upsert.',
        );
      }
      return field;
    }
    default:
      return assertNever(plan.operation);
  }
}

function article(operation: LoadOperation): string {
  return `${operation === 'insert' || operation === 'update' || operation === 'upsert' ? 'an' : 'a'} ${operation}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function columnIndex(headers: readonly string[], column: string): number {
  const exact = headers.indexOf(column);
  if (exact !== -1) return exact;
  const loose = column.trim().toLowerCase();
  return headers.findIndex((h) => h.trim().toLowerCase() === loose);
}

/**
 * Builds the validator of one file for one plan. Refuses a plan that cannot load any row (VALIDATION): an unknown field or
 * column, a field mapped twice, a missing Id (update, delete) or external id (upsert), other fields on a delete, an
 * unreadable constant, an unknown time zone. Rows then get every check of issue item 3: required on create,
 * createable/updateable, numbers, booleans, dates and date-times per `plan.dates` (normalised to ISO, so a date never
 * shifts), ids (length, checksum, key prefix), text length, restricted picklists, duplicate keys inside the file, empty
 * keys and empty required lookups. `#N/A` is kept to null a field, and refused on fields that cannot be null.
 */
export function createRowValidator(input: RowValidatorInput): RowValidator {
  const { plan, object, headers } = input;
  const keyPrefixes = input.keyPrefixes ?? {};
  if (plan.objectName.toLowerCase() !== object.name.toLowerCase()) {
    throw planError(`The plan loads ${plan.objectName} but the describe is of ${object.name}.`, 'Pick the object again.');
  }
  const dates = createDateReader(plan.dates);
  const operation = plan.operation;
  const keyField = keyFieldOf(plan, object);
  const deleting = operation === 'delete' || operation === 'hardDelete';
  const outputHeaders: string[] = [];
  const columns: Column[] = [];
  const mappedFields = new Set<string>();
  let keyColumn = -1;

  plan.mappings.forEach((mapping: FieldMapping) => {
    const target: MappingTarget = readMappingTarget(object, mapping.field);
    const field = target.field;
    const header = target.kind === 'field' ? field.name : target.header;
    if (mappedFields.has(header.toLowerCase()) || (target.kind === 'lookup' && mappedFields.has(field.name.toLowerCase()))) {
      throw planError(`${header} is mapped twice.`, 'Map each field from one column (or one constant) only.');
    }
    mappedFields.add(header.toLowerCase());
    if (target.kind === 'lookup') mappedFields.add(field.name.toLowerCase());
    if (deleting && field.type !== 'id') {
      throw planError(`${capitalised(article(operation))} reads only the Id column; ${header} cannot be part of it.`, 'Map only the Id column for a delete.');
    }
    const isKey = keyField !== null && target.kind === 'field' && field.name === keyField.name;
    const index = mapping.source === 'column' ? columnIndex(headers, mapping.column) : -1;
    if (mapping.source === 'column' && index === -1) {
      throw planError(`The mapping reads the column "${mapping.column}", which the file does not have.`, 'Map the field from one of the file\'s columns, or suggest the mapping again.');
    }
    const label = mapping.source === 'column' ? (headers[index] ?? mapping.column) : 'constant';
    const required = operation === 'insert' && field.requiredOnCreate;
    const rule: Rule = target.kind === 'lookup' ? (raw) => raw : valueRule(field, object, dates, keyPrefixes);
    const whenEmpty: RuleFailure | null = isKey
      ? { kind: 'missing-key', why: `every row of ${article(operation)} needs its ${field.name}` }
      : required
        ? target.kind === 'lookup'
          ? { kind: 'empty-lookup', why: `${field.name} is required: the lookup needs a ${target.parentField} value` }
          : { kind: 'required-missing', why: `${field.name} is required when a record is created` }
        : null;
    const cannotNull = !field.nillable && field.type !== 'boolean';
    const whenNull: RuleFailure | null = isKey
      ? { kind: 'missing-key', why: `${NULL_VALUE} cannot stand for the ${field.name} a row is matched on` }
      : cannotNull && (field.createable || field.updateable)
        ? { kind: 'required-missing', why: `${field.name} is required, so it cannot be set to null with ${NULL_VALUE}` }
        : null;
    const column: Column = {
      index,
      label,
      constant: mapping.source === 'constant' ? mapping.value : null,
      rule,
      whenEmpty,
      whenNull,
      whenWritten: writeIssue(field, operation, isKey || (target.kind === 'field' && field.type === 'id' && operation !== 'insert')),
      isKey,
    };
    if (mapping.source === 'constant') {
      // A constant is checked once: a bad one would fail every row.
      const value = mapping.value;
      const cell = value === '' || value === NULL_VALUE ? value : column.rule(value);
      const issue = cellIssue(column, value) ?? (typeof cell === 'string' ? null : cell);
      if (issue !== null) {
        throw planError(`The constant "${value}" for ${header} cannot be loaded: ${issue.why}.`, 'Change the constant, or map the field from a column.');
      }
      column.constant = typeof cell === 'string' ? cell : value;
    }
    if (isKey) keyColumn = columns.length;
    columns.push(column);
    outputHeaders.push(header);
  });

  if (keyField !== null && keyColumn === -1) {
    throw planError(
      operation === 'upsert'
        ? `The upsert matches records on ${keyField.name}, but no column maps to it.`
        : `${capitalised(article(operation))} needs the Id of each record, but no column maps to Id.`,
      `Map the column that holds ${keyField.name}.`,
    );
  }
  if (columns.length === 0) throw planError('No column is mapped to a field, so there is nothing to load.', 'Map at least one column to a field.');

  // Required fields no column or constant sets fail every row of an insert: one issue per row, named by the field.
  const unmappedRequired =
    operation === 'insert'
      ? object.fields.filter((f) => f.requiredOnCreate && !mappedFields.has(f.name.toLowerCase()))
      : [];
  const keys: KeySet | null = keyField === null ? null : createKeySet();
  const keyIsId = keyField?.type === 'id';
  const width = headers.length;
  const count = columns.length;

  return {
    outputHeaders,
    check(values, row) {
      if (values.length !== width) {
        return {
          ok: false,
          issues: [{ kind: 'ragged-row', column: '', value: '', why: `the row has ${values.length} values; the header has ${width} columns` }],
        };
      }
      let issues: RowIssue[] | null = null;
      const cells = new Array<string>(count);
      for (let j = 0; j < count; j += 1) {
        const column = columns[j] as Column;
        if (column.constant !== null) {
          cells[j] = column.constant;
          continue;
        }
        const raw = values[column.index] as string;
        const issue = cellIssue(column, raw);
        if (issue !== null) {
          (issues ??= []).push({ kind: issue.kind, column: column.label, value: raw, why: issue.why });
          continue;
        }
        if (raw === '' || raw === NULL_VALUE) {
          cells[j] = raw;
          continue;
        }
        const cell = column.rule(raw);
        if (typeof cell === 'string') cells[j] = cell;
        else (issues ??= []).push({ kind: cell.kind, column: column.label, value: raw, why: cell.why });
      }
      for (const field of unmappedRequired) {
        (issues ??= []).push({ kind: 'required-missing', column: field.name, value: '', why: `${field.name} is required when a record is created, and no column maps to it` });
      }
      if (issues !== null) return { ok: false, issues };
      if (keys !== null) {
        const key = cells[keyColumn] as string;
        // Ids are case-sensitive (15 characters, or 18 whose suffix encodes the case); external ids match ignoring case.
        const first = keys.add(keyIsId ? toId18(key) : key.toLowerCase(), row);
        if (first !== 0) {
          return {
            ok: false,
            issues: [{ kind: 'duplicate-key', column: columns[keyColumn]?.label ?? '', value: key, why: `row ${first} has the same ${keyField?.name ?? 'key'}` }],
          };
        }
      }
      return { ok: true, cells };
    },
  };
}

/** The issue of an empty, `#N/A` or unwritable cell, before its value is read; null when the value should be read. */
function cellIssue(column: Column, raw: string): RuleFailure | null {
  if (raw === '') return column.whenEmpty;
  if (raw === NULL_VALUE) return column.whenNull ?? column.whenWritten;
  return column.whenWritten;
}
