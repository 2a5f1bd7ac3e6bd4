import { useMemo, useState, type ReactNode } from 'react';
import type { FieldInfo } from '../../../../shared/ipc/contract';
import { searchFields, searchObjects } from './field-search';
import type { SchemaCatalog } from './language/soql-schema';
import { soqlString } from './soql-text';
import { useObjectDescribe, useQueryableObjects } from './use-object-describe';

/** More than this many matches are cut, with a note to narrow the search (an org can have a thousand objects). */
const MAX_SHOWN = 200;

/** Props of the explorer: the org's catalog, the FROM object of the statement under the cursor, and what a click inserts. */
export type ObjectExplorerProps = {
  catalog: SchemaCatalog | null;
  objectName: string | null;
  onInsert: (text: string) => void;
  onClose: () => void;
};

/** What a field holds, in Setup's words: `reference → User`, `picklist`, `datetime`. */
function typeOf(field: FieldInfo): string {
  return field.type === 'reference' && field.referenceTo.length > 0 ? `reference → ${field.referenceTo.join(', ')}` : field.type;
}

/** One field: its API name (click inserts it), type, label, the relationship to walk, and its picklist values. */
function FieldEntry(props: { field: FieldInfo; search: string; onInsert: (text: string) => void }): ReactNode {
  const { field, search, onInsert } = props;
  const needle = search.trim().toLowerCase();
  const valueMatched = needle !== '' && field.picklistValues.some((p) => p.value.toLowerCase().includes(needle));
  return (
    <li className="orgdesk-explorer__field">
      <div className="orgdesk-explorer__row">
        <button type="button" className="orgdesk-explorer__insert" title={`Insert ${field.name} at the cursor`} onClick={() => onInsert(field.name)}>
          {field.name}
        </button>
        <span className="orgdesk-explorer__type">{typeOf(field)}</span>
      </div>
      <div className="orgdesk-explorer__label">
        {field.label}
        {field.relationshipName === null ? null : (
          <>
            {' · '}
            <button
              type="button"
              className="orgdesk-explorer__insert orgdesk-explorer__insert_inline"
              title={`Insert ${field.relationshipName}. to reach the fields of ${field.referenceTo[0] ?? 'the parent'}`}
              onClick={() => onInsert(`${field.relationshipName}.`)}
            >
              {field.relationshipName}.
            </button>
          </>
        )}
      </div>
      {field.picklistValues.length === 0 ? null : (
        <details className="orgdesk-explorer__values" open={valueMatched}>
          <summary>
            {field.picklistValues.length} {field.picklistValues.length === 1 ? 'value' : 'values'}
          </summary>
          <ul>
            {field.picklistValues.map((p) => (
              <li key={p.value}>
                <button type="button" className="orgdesk-explorer__insert" title={`Insert ${soqlString(p.value)} at the cursor`} onClick={() => onInsert(soqlString(p.value))}>
                  {p.value}
                </button>
                {p.label === p.value ? null : <span className="orgdesk-explorer__label"> {p.label}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}

/**
 * The object/field explorer beside the editor: the fields of the statement's FROM object (type, label, picklist values),
 * searchable, each inserted at the cursor on click; with no FROM object yet, the org's objects. Describes come from the
 * renderer's describe cache, the same answers completion uses.
 */
export function ObjectExplorer(props: ObjectExplorerProps): ReactNode {
  const { catalog, objectName, onInsert, onClose } = props;
  const [search, setSearch] = useState('');
  const describe = useObjectDescribe(catalog, objectName);
  const objects = useQueryableObjects(catalog, objectName === null);
  const fields = useMemo(() => (describe.status === 'ready' ? searchFields(describe.object.fields, search) : []), [describe, search]);
  const objectMatches = useMemo(() => (objects === null ? [] : searchObjects(objects, search)), [objects, search]);

  let title: ReactNode;
  let body: ReactNode;
  let total = 0;
  let shown = 0;
  if (catalog === null) {
    title = 'Fields';
    body = <p className="slds-text-color_weak">Select an org to see its objects and fields.</p>;
  } else if (objectName === null) {
    title = 'Objects';
    total = objectMatches.length;
    shown = Math.min(total, MAX_SHOWN);
    body =
      objects === null ? (
        <p className="slds-text-color_weak">Loading the org&apos;s objects…</p>
      ) : (
        <ul className="orgdesk-explorer__list" aria-label="Objects">
          {objectMatches.slice(0, MAX_SHOWN).map((o) => (
            <li key={o.name} className="orgdesk-explorer__field">
              <div className="orgdesk-explorer__row">
                <button type="button" className="orgdesk-explorer__insert" title={`Insert ${o.name} at the cursor`} onClick={() => onInsert(o.name)}>
                  {o.name}
                </button>
                {o.custom ? <span className="orgdesk-explorer__type">custom</span> : null}
              </div>
              <div className="orgdesk-explorer__label">{o.label}</div>
            </li>
          ))}
        </ul>
      );
  } else if (describe.status === 'ready') {
    const object = describe.object;
    title = (
      <>
        {object.label}
        {object.label === object.name ? null : <span className="orgdesk-explorer__api-name"> {object.name}</span>}
      </>
    );
    total = fields.length;
    shown = Math.min(total, MAX_SHOWN);
    body = (
      <ul className="orgdesk-explorer__list" aria-label={`Fields of ${object.name}`}>
        {fields.slice(0, MAX_SHOWN).map((field) => (
          <FieldEntry key={field.name} field={field} search={search} onInsert={onInsert} />
        ))}
      </ul>
    );
  } else {
    title = objectName;
    body =
      describe.status === 'unknown' ? (
        <p className="slds-text-color_weak">This org has no object named {objectName}.</p>
      ) : (
        <p className="slds-text-color_weak">Loading the fields of {objectName}…</p>
      );
  }
  const what = objectName === null ? 'objects' : 'fields';

  return (
    <aside className="orgdesk-explorer" aria-label="Object explorer">
      <div className="orgdesk-explorer__head">
        <h2 className="slds-text-heading_small orgdesk-explorer__title">{title}</h2>
        <button type="button" className="slds-button orgdesk-explorer__close" aria-label="Close the explorer" title="Close the explorer" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="slds-form-element">
        <div className="slds-form-element__control">
          <input
            className="slds-input"
            type="search"
            aria-label={objectName === null ? 'Search objects' : 'Search fields'}
            placeholder={objectName === null ? 'Search objects by name or label' : 'Search by name, label or picklist value'}
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
      </div>
      <p className="slds-text-body_small slds-text-color_weak orgdesk-explorer__hint" aria-live="polite">
        {total > 0
          ? `${shown < total ? `${shown} of ` : ''}${total.toLocaleString()} ${what} · click a name to insert it`
          : search.trim() !== '' && body !== null
            ? `No ${what} match “${search.trim()}”.`
            : 'Click a name to insert it at the cursor.'}
      </p>
      {body}
    </aside>
  );
}
