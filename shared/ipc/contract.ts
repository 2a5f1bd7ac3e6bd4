import type { AppInvoke } from './domains/app';
import type { EventsEvents, EventsInvoke } from './domains/events';
import type { LoadEvents, LoadFileRef, LoadInvoke } from './domains/load';
import type { OrgsEvents, OrgsInvoke } from './domains/orgs';
import type { QueryEvents, QueryInvoke } from './domains/query';
import type { Result } from './result';

export type { AppInfo } from './domains/app';
export type { OrgSummary } from './domains/orgs';
export type * from './domains/query';
export type * from './domains/load';
export type * from './domains/events';

/** Every invoke channel (`domain:verb`) with its argument and result types. */
export type InvokeMap = AppInvoke & OrgsInvoke & QueryInvoke & LoadInvoke & EventsInvoke;

/** Every event (`domain:noun`) main pushes to the renderer, with its payload type. */
export type EventMap = OrgsEvents & QueryEvents & LoadEvents & EventsEvents;

/** The name of an invoke channel. */
export type InvokeChannel = Extract<keyof InvokeMap, string>;
/** The name of an event channel. */
export type EventChannel = Extract<keyof EventMap, string>;
/** The argument type of an invoke channel. */
export type InvokeArgs<C extends InvokeChannel> = InvokeMap[C]['args'];
/** The result value type of an invoke channel. */
export type InvokeResult<C extends InvokeChannel> = InvokeMap[C]['result'];
/** The payload type of an event channel. */
export type EventPayload<E extends EventChannel> = EventMap[E];

/** Bytes of a file handed to main so far, of its size (browser mode's upload; Electron hands a path at once). */
export type FileRefProgress = (sentBytes: number, totalBytes: number) => void;

/** The one object the renderer may use to reach main: `window.orgdesk`. */
export type OrgDeskBridge = {
  invoke<C extends InvokeChannel>(channel: C, args: InvokeArgs<C>): Promise<Result<InvokeResult<C>>>;
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Names a file the person dropped or chose (a DOM `File`; shared code has no DOM types) the way `load:open` takes it.
   * Electron: its path, from the preload's `webUtils.getPathForFile` (nothing else of the file API is exposed). Browser mode:
   * the file streamed in chunks to main's private upload folder over the token-guarded server, with progress.
   */
  fileRef(file: unknown, onProgress?: FileRefProgress): Promise<Result<LoadFileRef>>;
};
