import { useState, type FormEvent, type ReactNode } from 'react';
import type { EventChannelInfo, EventsApi, ReplayFrom } from '../../../../shared/ipc/contract';
import { parseReplayId, replayFromId } from './event-text';

/** The replay choices of the picker: the contract's kinds, with `id` for a stored (checkpoint) or typed replay id. */
type ReplayChoice = 'new' | 'retained' | 'checkpoint' | 'id';

/** Props of the subscribe form. */
export type SubscribeFormProps = {
  channels: EventChannelInfo[];
  disabled: boolean;
  busy: boolean;
  onSubscribe: (channel: string, replay: ReplayFrom, api: EventsApi) => void;
  onRefreshChannels: () => void;
};

const CHANNEL_PATTERN = /^\/[A-Za-z0-9_/]+$/;

/**
 * Channel picker (discovered channels, or any typed one) and replay choice: new only (-1), all retained (-2), after the last
 * captured replay id of the channel, or after a typed id; and the event API, Pub/Sub (the default) or CometD.
 */
export function SubscribeForm({ channels, disabled, busy, onSubscribe, onRefreshChannels }: SubscribeFormProps): ReactNode {
  const [channel, setChannel] = useState('/data/ChangeEvents');
  const [choice, setChoice] = useState<ReplayChoice>('new');
  const [typedId, setTypedId] = useState('');
  const [api, setApi] = useState<EventsApi>('pubsub');
  const pubsub = api === 'pubsub';
  const known = channels.find((c) => c.channel === channel) ?? null;
  const replayId = parseReplayId(typedId);
  const channelOk = CHANNEL_PATTERN.test(channel.trim());
  const replayOk = choice !== 'id' || replayId !== null;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!channelOk || !replayOk) return;
    const replay: ReplayFrom =
      choice === 'id' && replayId !== null ? replayFromId(replayId) : choice === 'retained' ? { kind: 'retained' } : choice === 'checkpoint' ? { kind: 'checkpoint' } : { kind: 'new' };
    onSubscribe(channel.trim(), replay, api);
  };

  return (
    <form className="orgdesk-events__subscribe" onSubmit={submit} aria-label="Subscribe">
      <div className="slds-form-element orgdesk-events__channel">
        <label className="slds-form-element__label" htmlFor="orgdesk-events-channel">
          Channel
        </label>
        <div className="slds-form-element__control">
          <input
            id="orgdesk-events-channel"
            className="slds-input"
            list="orgdesk-events-channels"
            value={channel}
            onChange={(e) => setChannel(e.target.value)}
            placeholder="/data/ContactChangeEvent"
            aria-invalid={!channelOk}
            spellCheck={false}
          />
          <datalist id="orgdesk-events-channels">
            {channels.map((c) => (
              <option key={c.channel} value={c.channel}>
                {c.label}
                {c.captured > 0 ? ` · ${c.captured} captured` : ''}
              </option>
            ))}
          </datalist>
        </div>
      </div>
      <div className="slds-form-element">
        <label className="slds-form-element__label" htmlFor="orgdesk-events-api">
          API
        </label>
        <div className="slds-form-element__control">
          <div className="slds-select_container">
            <select id="orgdesk-events-api" className="slds-select" value={api} onChange={(e) => setApi(e.target.value as EventsApi)} title="Pub/Sub (gRPC) also says which fields were nulled or sent as a diff">
              <option value="pubsub">Pub/Sub API</option>
              <option value="cometd">CometD (Streaming API)</option>
            </select>
          </div>
        </div>
      </div>
      <div className="slds-form-element">
        <label className="slds-form-element__label" htmlFor="orgdesk-events-replay">
          Replay
        </label>
        <div className="slds-form-element__control">
          <div className="slds-select_container">
            <select id="orgdesk-events-replay" className="slds-select" value={choice} onChange={(e) => setChoice(e.target.value as ReplayChoice)}>
              <option value="new">{pubsub ? 'New events only (LATEST)' : 'New events only (-1)'}</option>
              <option value="retained">{pubsub ? 'All retained events (EARLIEST)' : 'All retained events (-2)'}</option>
              <option value="checkpoint">
                {known?.checkpoint == null ? 'After the last captured (none yet: new only)' : `After the last captured (${known.checkpoint})`}
              </option>
              <option value="id">After a replay id…</option>
            </select>
          </div>
        </div>
      </div>
      {choice === 'id' ? (
        <div className="slds-form-element orgdesk-events__replay-id">
          <label className="slds-form-element__label" htmlFor="orgdesk-events-replay-id">
            Replay id
          </label>
          <div className="slds-form-element__control">
            <input
              id="orgdesk-events-replay-id"
              className="slds-input"
              inputMode="numeric"
              value={typedId}
              onChange={(e) => setTypedId(e.target.value)}
              placeholder={known?.checkpoint == null ? 'e.g. 1042' : String(known.checkpoint)}
              aria-invalid={!replayOk}
            />
          </div>
        </div>
      ) : null}
      <button type="submit" className="slds-button slds-button_brand" disabled={disabled || busy || !channelOk || !replayOk}>
        {busy ? 'Subscribing…' : 'Subscribe'}
      </button>
      <button type="button" className="slds-button slds-button_neutral" disabled={disabled} onClick={onRefreshChannels} title="Ask the org for its change and platform event channels again">
        Refresh channels
      </button>
      {known === null ? (
        channel.trim() === '' ? null : <span className="slds-text-body_small slds-text-color_weak">A typed channel</span>
      ) : (
        <span className="slds-text-body_small slds-text-color_weak">
          {known.label}
          {known.captured > 0 ? ` · ${known.captured.toLocaleString()} captured` : ''}
        </span>
      )}
    </form>
  );
}
