import { memo, useId, useMemo, type ReactNode } from 'react';
import type { DateReading, LoadOperation } from '../../../../shared/ipc/contract';
import { LOAD_OPERATIONS } from '../../../../shared/ipc/domains/load';
import type { LoadPlanActions, LoadPlanState } from './use-load-plan';
import { operationLabel } from './load-text';
import { objectAllows, upsertKeyHelp, upsertKeyLabel, upsertKeys } from './load-targets';

const DATE_ORDERS: { value: DateReading['dateOrder']; label: string }[] = [
  { value: 'ymd', label: 'Year, month, day (2024/03/01)' },
  { value: 'mdy', label: 'Month, day, year (03/01/2024)' },
  { value: 'dmy', label: 'Day, month, year (01/03/2024)' },
];

// About 400 zones: drawn once, not on every edit of the plan.
const ZoneOptions = memo(function ZoneOptions({ zones }: { zones: string[] }): ReactNode {
  return zones.map((zone) => (
    <option key={zone} value={zone}>
      {zone}
    </option>
  ));
});

/** A labelled SLDS select. */
function SelectField({
  label,
  value,
  onChange,
  children,
  disabled = false,
  help,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
  disabled?: boolean;
  help?: string;
}): ReactNode {
  const id = useId();
  return (
    <div className="slds-form-element">
      <label className="slds-form-element__label" htmlFor={id}>
        {label}
      </label>
      <div className="slds-form-element__control">
        <div className="slds-select_container">
          <select id={id} className="slds-select" value={value} disabled={disabled} onChange={(event) => onChange(event.target.value)}>
            {children}
          </select>
        </div>
      </div>
      {help === undefined ? null : <div className="slds-form-element__help">{help}</div>}
    </div>
  );
}

/** The plan's frame: target object, operation, the upsert key, and how dates in the file are read. */
export function PlanEditor({ plan, disabled }: { plan: LoadPlanState & LoadPlanActions; disabled: boolean }): ReactNode {
  const keys = useMemo(() => upsertKeys(plan.object), [plan.object]);
  // Only objects the chosen operation can write (the global describe's createable / updateable / deletable).
  const objects = useMemo(() => plan.objects.filter((object) => objectAllows(object, plan.operation)), [plan.objects, plan.operation]);
  const zones = useMemo(() => {
    const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    return [...new Set(['UTC', plan.dates.timeZone, ...all])];
  }, [plan.dates.timeZone]);

  return (
    <div className="orgdesk-load-plan">
      <SelectField label="Object" value={plan.objectName} disabled={disabled} onChange={plan.setObjectName}>
        <option value="">Choose an object…</option>
        {objects.map((object) => (
          <option key={object.name} value={object.name}>
            {object.label} ({object.name})
          </option>
        ))}
      </SelectField>
      <SelectField label="Operation" value={plan.operation} disabled={disabled} onChange={(value) => plan.setOperation(value as LoadOperation)}>
        {LOAD_OPERATIONS.map((operation) => (
          <option key={operation} value={operation}>
            {operationLabel(operation)}
          </option>
        ))}
      </SelectField>
      {plan.operation === 'upsert' ? (
        <SelectField
          label="Match records by"
          value={plan.externalIdField}
          disabled={disabled || plan.object === null}
          onChange={plan.setExternalIdField}
          help={upsertKeyHelp(keys.find((key) => key.field.name === plan.externalIdField))}
        >
          <option value="">Choose the upsert key…</option>
          {keys.map((key) => (
            <option key={key.field.name} value={key.field.name}>
              {upsertKeyLabel(key)}
            </option>
          ))}
        </SelectField>
      ) : null}
      <SelectField
        label="Dates are written"
        value={plan.dates.dateOrder}
        disabled={disabled}
        onChange={(value) => plan.setDates({ ...plan.dates, dateOrder: value as DateReading['dateOrder'] })}
        help="ISO 8601 (2024-03-01) is always understood; a date is never shifted by a day."
      >
        {DATE_ORDERS.map((order) => (
          <option key={order.value} value={order.value}>
            {order.label}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Time zone of date-times"
        value={plan.dates.timeZone}
        disabled={disabled}
        onChange={(value) => plan.setDates({ ...plan.dates, timeZone: value })}
        help="For date-times written without an offset."
      >
        <ZoneOptions zones={zones} />
      </SelectField>
    </div>
  );
}
