import { useId, type ReactNode } from 'react';
import type { FieldMapping, LoadField, LoadObject, LoadOperation } from '../../../../shared/ipc/contract';
import { assertNever } from '../../../../shared/ipc/result';
import type { LoadPlanActions, MappingOrigin } from './use-load-plan';
import { unmappedColumns } from './use-load-plan';

const NOT_LOADED = '';
const LOOKUP = 'lookup:';

/** The fields a column may fill for an operation: what can be written, plus Id where records are matched by it. */
function targetFields(object: LoadObject, operation: LoadOperation): LoadField[] {
  switch (operation) {
    case 'insert':
      return object.fields.filter((field) => field.createable);
    case 'update':
      return object.fields.filter((field) => field.updateable || field.name === 'Id');
    case 'upsert':
      return object.fields.filter((field) => field.createable || field.updateable || field.externalId || field.name === 'Id');
    case 'delete':
    case 'hardDelete':
      return object.fields.filter((field) => field.name === 'Id');
    default:
      return assertNever(operation);
  }
}

/** Lookups a column can fill through the parent's external id (`Account.External_Id__c`). */
function lookupFields(fields: LoadField[]): LoadField[] {
  return fields.filter((field) => field.type === 'reference' && field.relationshipName !== null);
}

/** The relationship a lookup target names: `Account.External_Id__c` and `What:Account.X` both name theirs before the dot. */
function relationshipOf(target: string): string | null {
  const dot = target.indexOf('.');
  if (dot < 0) return null;
  const head = target.slice(0, dot);
  const colon = head.indexOf(':');
  return colon < 0 ? head : head.slice(colon + 1);
}

/** The required-on-create fields no mapping fills (insert and upsert need them). */
function missingRequired(object: LoadObject, operation: LoadOperation, mappings: FieldMapping[]): LoadField[] {
  if (operation !== 'insert' && operation !== 'upsert') return [];
  const filled = new Set(mappings.map((mapping) => mapping.field.split('.')[0]?.split(':').pop() ?? ''));
  const relationships = new Map(object.fields.map((field) => [field.relationshipName ?? '', field.name]));
  for (const name of [...filled]) {
    const viaLookup = relationships.get(name);
    if (viaLookup !== undefined) filled.add(viaLookup);
  }
  return object.fields.filter((field) => field.requiredOnCreate && !filled.has(field.name));
}

/**
 * The mapping step: each CSV column to a field (auto-mapped by main, editable), lookups through an external id, constant
 * values written into every row, and the columns left out.
 */
export function MappingEditor({
  headers,
  sample,
  object,
  operation,
  mappings,
  origin,
  actions,
  disabled,
}: {
  headers: string[];
  sample: string[] | undefined;
  object: LoadObject;
  operation: LoadOperation;
  mappings: FieldMapping[];
  origin: MappingOrigin;
  actions: LoadPlanActions;
  disabled: boolean;
}): ReactNode {
  const fields = targetFields(object, operation);
  const lookups = lookupFields(fields);
  const constants = mappings.filter((mapping): mapping is Extract<FieldMapping, { source: 'constant' }> => mapping.source === 'constant');
  const unmapped = unmappedColumns(headers, mappings);
  const required = missingRequired(object, operation, mappings);

  return (
    <div className="orgdesk-load-mapping">
      <p className="slds-text-body_small slds-text-color_weak slds-m-bottom_x-small">
        {origin === 'saved'
          ? 'The mapping saved for these headers is back; change what you need.'
          : origin === 'suggested'
            ? 'Columns were matched to fields by API name, then label (case, spaces and underscores ignored).'
            : 'Mapping edited: it is saved for these headers when the load starts.'}
      </p>
      <table className="slds-table slds-table_bordered slds-table_cell-buffer orgdesk-load-table" aria-label="Column mapping">
        <thead>
          <tr className="slds-line-height_reset">
            <th scope="col">Column</th>
            <th scope="col">First value</th>
            <th scope="col">Field</th>
          </tr>
        </thead>
        <tbody>
          {headers.map((header, index) => {
            const mapping = mappings.find((candidate) => candidate.source === 'column' && candidate.column === header);
            return (
              <ColumnRow
                key={header}
                column={header}
                sample={sample?.[index] ?? ''}
                target={mapping?.field ?? NOT_LOADED}
                fields={fields}
                lookups={lookups}
                disabled={disabled}
                onChange={(field) => actions.mapColumn(header, field)}
              />
            );
          })}
        </tbody>
      </table>

      <div className="slds-m-top_medium">
        <div className="slds-grid slds-grid_vertical-align-center slds-grid_align-spread">
          <h3 className="slds-text-title_caps">Constant values</h3>
          <button type="button" className="slds-button slds-button_neutral slds-button_small" disabled={disabled || operation === 'delete' || operation === 'hardDelete'} onClick={actions.addConstant}>
            Add a constant
          </button>
        </div>
        {constants.length === 0 ? (
          <p className="slds-text-body_small slds-text-color_weak">None: a constant writes the same value into every row (a record type, an owner).</p>
        ) : (
          <ul className="orgdesk-load-constants">
            {constants.map((constant, index) => (
              <ConstantRow key={index} index={index} constant={constant} fields={fields} actions={actions} disabled={disabled} />
            ))}
          </ul>
        )}
      </div>

      {unmapped.length === 0 ? null : (
        <div className="slds-m-top_medium" role="status">
          <h3 className="slds-text-title_caps">Left out ({unmapped.length})</h3>
          <p className="slds-text-body_small">
            These columns are not loaded: {unmapped.map((column, index) => (
              <span key={column}>
                {index === 0 ? '' : ', '}
                <code>{column}</code>
              </span>
            ))}
          </p>
        </div>
      )}
      {required.length === 0 ? null : (
        <div className="slds-m-top_small slds-text-color_error" role="alert">
          Required when creating {object.label} records and not mapped: {required.map((field) => field.name).join(', ')}.
        </div>
      )}
    </div>
  );
}

function ColumnRow({
  column,
  sample,
  target,
  fields,
  lookups,
  disabled,
  onChange,
}: {
  column: string;
  sample: string;
  target: string;
  fields: LoadField[];
  lookups: LoadField[];
  disabled: boolean;
  onChange: (field: string | null) => void;
}): ReactNode {
  const selectId = useId();
  const relationship = relationshipOf(target);
  const lookup = relationship === null ? undefined : lookups.find((field) => field.relationshipName === relationship);
  const selected = lookup !== undefined ? `${LOOKUP}${lookup.relationshipName ?? ''}` : target;
  const known = selected === NOT_LOADED || selected.startsWith(LOOKUP) || fields.some((field) => field.name === selected);

  return (
    <tr>
      <th scope="row">
        <label htmlFor={selectId} className="orgdesk-load-mapping__column">
          {column}
        </label>
      </th>
      <td className="slds-text-color_weak orgdesk-load-mapping__sample" title={sample}>
        {sample}
      </td>
      <td>
        <div className="orgdesk-load-mapping__target">
          <div className="slds-select_container">
            <select
              id={selectId}
              className="slds-select"
              aria-label={`Field for ${column}`}
              value={selected}
              disabled={disabled}
              onChange={(event) => {
                const value = event.target.value;
                if (value === NOT_LOADED) onChange(null);
                else if (value.startsWith(LOOKUP)) {
                  const field = lookups.find((candidate) => `${LOOKUP}${candidate.relationshipName ?? ''}` === value);
                  const polymorphic = (field?.referenceTo.length ?? 0) > 1;
                  onChange(`${polymorphic ? `${field?.referenceTo[0] ?? ''}:` : ''}${field?.relationshipName ?? ''}.`);
                } else onChange(value);
              }}
            >
              <option value={NOT_LOADED}>— Not loaded —</option>
              {known ? null : <option value={selected}>{selected}</option>}
              {fields.map((field) => (
                <option key={field.name} value={field.name}>
                  {field.label} ({field.name}){field.requiredOnCreate ? ' *' : ''}
                </option>
              ))}
              {lookups.length === 0 ? null : (
                <optgroup label="Lookup by external id">
                  {lookups.map((field) => (
                    <option key={field.name} value={`${LOOKUP}${field.relationshipName ?? ''}`}>
                      {field.relationshipName} ({field.referenceTo.join(', ')}) via…
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
          </div>
          {lookup === undefined ? null : (
            <input
              className="slds-input"
              aria-label={`Lookup of ${column} through`}
              title="Parent external id: Relationship.Field, or Type:Relationship.Field for a polymorphic lookup"
              value={target}
              disabled={disabled}
              onChange={(event) => onChange(event.target.value)}
            />
          )}
        </div>
      </td>
    </tr>
  );
}

function ConstantRow({
  index,
  constant,
  fields,
  actions,
  disabled,
}: {
  index: number;
  constant: Extract<FieldMapping, { source: 'constant' }>;
  fields: LoadField[];
  actions: LoadPlanActions;
  disabled: boolean;
}): ReactNode {
  return (
    <li className="orgdesk-load-constants__item">
      <div className="slds-select_container">
        <select
          className="slds-select"
          aria-label={`Field of constant ${index + 1}`}
          value={constant.field}
          disabled={disabled}
          onChange={(event) => actions.setConstant(index, { field: event.target.value })}
        >
          <option value="">Choose a field…</option>
          {fields.map((field) => (
            <option key={field.name} value={field.name}>
              {field.label} ({field.name})
            </option>
          ))}
        </select>
      </div>
      <input
        className="slds-input"
        aria-label={`Value of constant ${index + 1}`}
        placeholder="Value for every row"
        value={constant.value}
        disabled={disabled}
        onChange={(event) => actions.setConstant(index, { value: event.target.value })}
      />
      <button type="button" className="slds-button slds-button_text-destructive" disabled={disabled} onClick={() => actions.removeConstant(index)}>
        Remove
      </button>
    </li>
  );
}
