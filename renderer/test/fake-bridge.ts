import type { EventChannel, EventPayload, FileRefProgress, InvokeArgs, InvokeChannel, InvokeResult, LoadFileRef, OrgDeskBridge } from '../../shared/ipc/contract';
import { fail, ok, type AppError, type Result } from '../../shared/ipc/result';

/** What a fake answer may produce: the value, a whole Result, or an AppError wrapped as `{ error }`. */
type FakeOutcome<C extends InvokeChannel> = InvokeResult<C> | Result<InvokeResult<C>> | { error: AppError };

/** A fake answer for one channel: an outcome, or a function of the arguments returning one (or a promise of one). */
type FakeAnswer<C extends InvokeChannel> = FakeOutcome<C> | ((args: InvokeArgs<C>) => FakeOutcome<C> | Promise<FakeOutcome<C>>);

/** Answers per channel; a channel left out answers NOT_FOUND, like a main process that does not wire it yet. */
export type FakeAnswers = { [C in InvokeChannel]?: FakeAnswer<C> };

/** A fake `window.orgdesk` typed by the contract, with the calls it saw and a way to push events. */
export type FakeBridge = {
  bridge: OrgDeskBridge;
  /** Every call, in order. */
  calls: { channel: InvokeChannel; args: unknown }[];
  /** Pushes one event to the page's listeners, as main would. */
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void;
  /** Changes the answer of one channel from now on. */
  answer<C extends InvokeChannel>(channel: C, answer: FakeAnswer<C>): void;
  /** The files handed to `fileRef`, in order. */
  files: unknown[];
  /** Changes how `fileRef` answers (by default: progress to the whole size, then `{ kind: 'upload', uploadId: 'upload-N' }`). */
  answerFileRef(answer: (file: unknown, onProgress?: FileRefProgress) => Result<LoadFileRef> | Promise<Result<LoadFileRef>>): void;
};

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof (value).ok === 'boolean';
}

/** Builds a fake bridge from per-channel answers. */
function createFakeBridge(answers: FakeAnswers = {}): FakeBridge {
  const table = new Map<string, unknown>(Object.entries(answers));
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const calls: FakeBridge['calls'] = [];
  const files: unknown[] = [];
  let fileRefAnswer: Parameters<FakeBridge['answerFileRef']>[0] = (file, onProgress) => {
    const size = (file as { size?: number }).size ?? 0;
    onProgress?.(size, size);
    return ok({ kind: 'upload', uploadId: `upload-${files.length}` });
  };
  const bridge: OrgDeskBridge = {
    async fileRef(file, onProgress) {
      files.push(file);
      return fileRefAnswer(file, onProgress);
    },
    async invoke(channel, args) {
      calls.push({ channel, args });
      if (!table.has(channel)) return fail('NOT_FOUND', `${channel} is not answered by this fake bridge.`);
      const answer = table.get(channel);
      const value: unknown = typeof answer === 'function' ? await (answer as (a: unknown) => unknown)(args) : answer;
      if (isResult(value)) return value as never;
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'error' in value && Object.keys(value).length === 1) {
        return { ok: false, error: (value as { error: AppError }).error };
      }
      return ok(value) as never;
    },
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  };
  return {
    bridge,
    calls,
    emit(channel, payload) {
      for (const listener of listeners.get(channel) ?? []) listener(payload as never);
    },
    answer(channel, answer) {
      table.set(channel, answer);
    },
    files,
    answerFileRef(answer) {
      fileRefAnswer = answer;
    },
  };
}

/** Installs a fake bridge as `window.orgdesk` for one test (setup.ts removes it after each test). */
export function installFakeBridge(answers: FakeAnswers = {}): FakeBridge {
  const fake = createFakeBridge(answers);
  Object.defineProperty(window, 'orgdesk', { value: fake.bridge, configurable: true, writable: false });
  return fake;
}

/** Removes whatever `window.orgdesk` a test installed. */
export function removeBridge(): void {
  Reflect.deleteProperty(window, 'orgdesk');
}
