import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type {
  DateReading,
  FieldMapping,
  LoadFileInfo,
  LoadObject,
  LoadOperation,
  LoadPlan,
  ObjectSummary,
} from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { invoke } from '../../lib/api';
import { objectAllows } from './load-targets';

/** Where the mapping came from: main's auto-mapping, the mapping saved for these headers, or the person's edits. */
export type MappingOrigin = 'suggested' | 'saved' | 'edited';

/** The plan being built for the file: target object, operation, upsert key, mapping and date reading. */
export type LoadPlanState = {
  objects: ObjectSummary[];
  objectName: string;
  operation: LoadOperation;
  externalIdField: string;
  object: LoadObject | null;
  mappings: FieldMapping[];
  origin: MappingOrigin;
  dates: DateReading;
  busy: boolean;
  error: AppError | null;
};

/** The edits the mapping step offers. */
export type LoadPlanActions = {
  setObjectName: (name: string) => void;
  setOperation: (operation: LoadOperation) => void;
  setExternalIdField: (name: string) => void;
  /** Maps a CSV column to a field (or a lookup through an external id); null leaves the column out. */
  mapColumn: (column: string, field: string | null) => void;
  addConstant: () => void;
  setConstant: (index: number, change: { field?: string; value?: string }) => void;
  removeConstant: (index: number) => void;
  setDates: (dates: DateReading) => void;
  /** Takes a whole plan (the one `load:retry-failed` offers again). */
  adopt: (plan: LoadPlan) => void;
};

/** The computer's IANA time zone, the sensible reading of date-times written without an offset. */
function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The plan ready to send, or null while no object is chosen (or upsert has no key). */
export function planOf(state: LoadPlanState): LoadPlan | null {
  if (state.objectName === '' || state.object === null) return null;
  if (state.operation === 'upsert' && state.externalIdField === '') return null;
  return {
    objectName: state.objectName,
    operation: state.operation,
    ...(state.operation === 'upsert' ? { externalIdField: state.externalIdField } : {}),
    mappings: state.mappings.filter((mapping) => mapping.field !== ''),
    dates: state.dates,
  };
}

/** The CSV columns no mapping uses (they are left out of the load). */
export function unmappedColumns(headers: readonly string[], mappings: readonly FieldMapping[]): string[] {
  const used = new Set(mappings.flatMap((mapping) => (mapping.source === 'column' && mapping.field !== '' ? [mapping.column] : [])));
  return headers.filter((header) => !used.has(header));
}

/**
 * Builds the plan for the open file: the org's objects (`query:objects`), the chosen object's fields (`load:object`) and the
 * mapping main suggests or remembered for these headers (`load:suggest-mapping`), then the person's edits.
 */
export function useLoadPlan(orgId: string | null, file: LoadFileInfo | null): LoadPlanState & LoadPlanActions {
  const [state, setState] = useState<LoadPlanState>(() => ({
    objects: [],
    objectName: '',
    operation: 'insert',
    externalIdField: '',
    object: null,
    mappings: [],
    origin: 'suggested',
    dates: { dateOrder: 'ymd', timeZone: localTimeZone() },
    busy: false,
    error: null,
  }));
  // An adopted plan keeps its mapping: the suggestion that follows the object change must not replace it.
  const adopted = useRef<LoadPlan | null>(null);

  useEffect(() => {
    if (orgId === null) return;
    let live = true;
    void invoke('query:objects', { orgId }).then((result) => {
      if (!live) return;
      setState((s) => (result.ok ? { ...s, objects: result.value.filter((object) => object.queryable) } : { ...s, error: result.error }));
    });
    return () => {
      live = false;
    };
  }, [orgId]);

  const fileId = file?.fileId ?? null;
  const { objectName, operation } = state;
  useEffect(() => {
    if (orgId === null || fileId === null || objectName === '') return;
    let live = true;
    setState((s) => ({ ...s, busy: true, error: null }));
    void (async () => {
      const described = await invoke('load:object', { orgId, objectName });
      if (!live) return;
      if (!described.ok) {
        setState((s) => ({ ...s, busy: false, object: null, error: described.error }));
        return;
      }
      const plan = adopted.current;
      if (plan !== null && plan.objectName === objectName && plan.operation === operation) {
        adopted.current = null;
        setState((s) => ({ ...s, busy: false, object: described.value, mappings: plan.mappings, origin: 'saved' }));
        return;
      }
      const suggested = await invoke('load:suggest-mapping', { orgId, fileId, objectName, operation });
      if (!live) return;
      setState((s) => ({
        ...s,
        busy: false,
        object: described.value,
        ...(suggested.ok
          ? { mappings: suggested.value.mappings, origin: suggested.value.fromSaved ? 'saved' : 'suggested', error: null }
          : { mappings: [], error: suggested.error }),
        externalIdField:
          s.externalIdField !== '' && described.value.fields.some((field) => field.name === s.externalIdField)
            ? s.externalIdField
            : (described.value.fields.find((field) => field.externalId)?.name ?? ''),
      }));
    })();
    return () => {
      live = false;
    };
  }, [orgId, fileId, objectName, operation]);

  const edit = useCallback((change: (mappings: FieldMapping[]) => FieldMapping[]) => {
    setState((s) => ({ ...s, mappings: change(s.mappings), origin: 'edited' }));
  }, []);

  const actions = useMemo<LoadPlanActions>(
    () => ({
      setObjectName: (name) => setState((s) => ({ ...s, objectName: name, object: null, mappings: [] })),
      // An object the new operation cannot write (inserting into a read-only object, say) is no longer chosen.
      setOperation: (next) =>
        setState((s) => {
          const chosen = s.objects.find((object) => object.name === s.objectName);
          return chosen !== undefined && !objectAllows(chosen, next) ? { ...s, operation: next, objectName: '', object: null, mappings: [] } : { ...s, operation: next };
        }),
      setExternalIdField: (name) => setState((s) => ({ ...s, externalIdField: name })),
      mapColumn: (column, field) =>
        edit((mappings) => {
          const rest = mappings.filter((mapping) => !(mapping.source === 'column' && mapping.column === column));
          return field === null ? rest : [...rest, { source: 'column', column, field }];
        }),
      addConstant: () => edit((mappings) => [...mappings, { source: 'constant', field: '', value: '' }]),
      setConstant: (index, change) =>
        edit((mappings) => {
          const constants = mappings.filter((mapping) => mapping.source === 'constant');
          const target = constants[index];
          return mappings.map((mapping) => (mapping === target ? { ...mapping, ...change } : mapping));
        }),
      removeConstant: (index) =>
        edit((mappings) => {
          const target = mappings.filter((mapping) => mapping.source === 'constant')[index];
          return mappings.filter((mapping) => mapping !== target);
        }),
      setDates: (dates) => setState((s) => ({ ...s, dates })),
      adopt: (plan) => {
        adopted.current = plan;
        setState((s) => ({
          ...s,
          objectName: plan.objectName,
          operation: plan.operation,
          externalIdField: plan.externalIdField ?? '',
          dates: plan.dates,
          object: null,
          mappings: plan.mappings,
        }));
      },
    }),
    [edit],
  );

  return { ...state, ...actions };
}
