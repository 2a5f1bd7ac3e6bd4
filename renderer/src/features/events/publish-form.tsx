import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { EventChannelInfo, FieldInfo, PublishValue } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { invoke } from '../../lib/api';

/** Props of the publish form. */
export type PublishFormProps = { orgId: string; channels: EventChannelInfo[]; onError: (error: AppError) => void };

/** The value a field's text stands for: numbers and booleans typed by the field, an empty text left out. */
function publishValueOf(field: FieldInfo, text: string): PublishValue | undefined {
  if (text === '') return undefined;
  if (field.type === 'boolean') return text === 'true';
  if (field.type === 'double' || field.type === 'int' || field.type === 'currency' || field.type === 'percent') {
    const number = Number(text);
    return Number.isFinite(number) ? number : text;
  }
  return text;
}

/** A small form to publish a platform event (`events:publish`), its custom fields read from the event's describe. */
export function PublishForm({ orgId, channels, onError }: PublishFormProps): ReactNode {
  const events = channels.filter((c) => c.kind === 'platform' && c.entity !== null);
  const [eventName, setEventName] = useState(events[0]?.entity ?? '');
  const [fields, setFields] = useState<FieldInfo[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [published, setPublished] = useState<string | null>(null);

  useEffect(() => {
    if (eventName === '' && events[0]?.entity != null) setEventName(events[0].entity);
  }, [eventName, events]);

  useEffect(() => {
    if (eventName === '') return undefined;
    let live = true;
    setFields([]);
    setValues({});
    void invoke('query:describe', { orgId, objectName: eventName }).then((result) => {
      if (!live) return;
      if (result.ok) setFields(result.value.fields.filter((f) => f.name.endsWith('__c')));
      else onError(result.error);
    });
    return () => {
      live = false;
    };
  }, [orgId, eventName, onError]);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const payload: Record<string, PublishValue> = {};
    for (const field of fields) {
      const value = publishValueOf(field, values[field.name] ?? '');
      if (value !== undefined) payload[field.name] = value;
    }
    setBusy(true);
    setPublished(null);
    const result = await invoke('events:publish', { orgId, eventName, fields: payload });
    setBusy(false);
    if (result.ok) setPublished(result.value.id);
    else onError(result.error);
  };

  if (events.length === 0) return <p className="slds-text-body_small slds-text-color_weak">This org has no platform events (objects ending in __e).</p>;
  return (
    <form className="orgdesk-events__publish" aria-label="Publish a platform event" onSubmit={(e) => void submit(e)}>
      <div className="slds-form-element">
        <label className="slds-form-element__label" htmlFor="orgdesk-publish-event">
          Platform event
        </label>
        <div className="slds-form-element__control">
          <div className="slds-select_container">
            <select id="orgdesk-publish-event" className="slds-select" value={eventName} onChange={(e) => setEventName(e.target.value)}>
              {events.map((c) => (
                <option key={c.channel} value={c.entity ?? ''}>
                  {c.label} ({c.entity})
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
      {fields.map((field) => (
        <div key={field.name} className="slds-form-element">
          <label className="slds-form-element__label" htmlFor={`orgdesk-publish-${field.name}`}>
            {field.label} <span className="slds-text-color_weak">({field.name}, {field.type})</span>
          </label>
          <div className="slds-form-element__control">
            {field.type === 'boolean' ? (
              <div className="slds-select_container">
                <select id={`orgdesk-publish-${field.name}`} className="slds-select" value={values[field.name] ?? ''} onChange={(e) => setValues({ ...values, [field.name]: e.target.value })}>
                  <option value="">(not set)</option>
                  <option value="true">true</option>
                  <option value="false">false</option>
                </select>
              </div>
            ) : (
              <input id={`orgdesk-publish-${field.name}`} className="slds-input" value={values[field.name] ?? ''} onChange={(e) => setValues({ ...values, [field.name]: e.target.value })} />
            )}
          </div>
        </div>
      ))}
      <div className="orgdesk-events__publish-actions">
        <button type="submit" className="slds-button slds-button_brand" disabled={busy || eventName === ''}>
          {busy ? 'Publishing…' : 'Publish'}
        </button>
        {published === null ? null : (
          <span className="slds-text-body_small" role="status">
            Published ({published})
          </span>
        )}
      </div>
    </form>
  );
}
