import type { ChannelSpec } from '../../shared/ipc/channel';
import type { InvokeChannel, InvokeMap } from '../../shared/ipc/contract';
import { fail, ok, type Result } from '../../shared/ipc/result';
import { INVOKE_CHANNELS, invokeSchemas, isInvokeChannel } from '../../shared/ipc/schemas';
import { toAppError } from '../../core/errors';
import { createSenderScopes, type SenderScope, type SenderScopes } from './sender-scopes';

/** Who sent a call: lets long-running work send progress to, and be disposed with, the window or socket that asked. */
type InvokeSender = { id: string };

/** The sender as a handler sees it: its id and its scope (an AbortSignal and disposers that end with its window or tab). */
export type HandlerSender = InvokeSender & { scope: SenderScope };

/** The handler of one channel: gets arguments already validated against the channel's schema. */
type ChannelHandler<S extends ChannelSpec> = (args: S['args'], sender: HandlerSender) => Promise<S['result']> | S['result'];

/** A handler for every channel of a (domain's) invoke map; a missing one fails the type check. */
export type HandlersFor<M extends Record<string, ChannelSpec>> = { [K in keyof M]: ChannelHandler<M[K]> };

/**
 * The handlers the app wires. Partial while the contract grows ahead of its services (domains land in parallel): a contract
 * channel without a handler answers NOT_FOUND instead of failing the build. `pendingChannels` lists them.
 */
export type HandlerTableInput = Partial<HandlersFor<InvokeMap>>;

/** The transport-neutral entry point both Electron IPC and browser mode call. */
export type InvokeFn = (channel: string, rawArgs: unknown, sender?: InvokeSender) => Promise<Result<unknown>>;

/** The sender used when a transport does not say who called. */
const ANONYMOUS_SENDER: InvokeSender = { id: 'anonymous' };

/**
 * Builds the table that routes a channel name to its handler: validate the arguments with the channel's zod schema, call the
 * handler, and map the outcome to a Result. Nothing thrown ever leaves it: ServiceErrors keep their message and hint, the rest
 * become INTERNAL.
 */
export function createHandlerTable(
  handlers: HandlerTableInput,
  options: {
    onInternalError?: (channel: string, error: unknown) => void;
    /** Where each sender's scope lives (the app context shares it with the transports that dispose them); a private one by default. */
    scopes?: SenderScopes;
  } = {},
): InvokeFn {
  const scopes = options.scopes ?? createSenderScopes();
  return async (channel, rawArgs, sender = ANONYMOUS_SENDER) => {
    if (!isInvokeChannel(channel)) {
      return fail('VALIDATION', `Unknown channel: ${describeChannel(channel)}.`, 'OrgDesk only answers the channels of its contract.');
    }
    const parsed = invokeSchemas[channel].safeParse(rawArgs ?? {});
    if (!parsed.success) {
      return fail('VALIDATION', `Invalid arguments for ${channel}: ${formatIssues(parsed.error.issues)}.`, 'Check the values you entered and try again.');
    }
    const handler = handlers[channel] as ChannelHandler<ChannelSpec> | undefined;
    if (handler === undefined) {
      return fail('NOT_FOUND', `${channel} is not available in this build of OrgDesk yet.`, 'Update OrgDesk to use this feature.');
    }
    try {
      return ok(await handler(parsed.data, { id: sender.id, scope: scopes.scopeFor(sender.id) }));
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === 'INTERNAL') options.onInternalError?.(channel, error);
      return { ok: false, error: appError };
    }
  };
}

/** The contract channels a handler table input leaves unanswered. */
export function pendingChannels(handlers: HandlerTableInput): InvokeChannel[] {
  return INVOKE_CHANNELS.filter((channel) => !Object.hasOwn(handlers, channel));
}

function describeChannel(channel: unknown): string {
  return typeof channel === 'string' ? JSON.stringify(channel.slice(0, 80)) : typeof channel;
}

function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
