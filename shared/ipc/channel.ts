import type { z } from 'zod';

/** The shape of one invoke channel: its single argument object and its result. */
export type ChannelSpec = { args: unknown; result: unknown };

/** A zod schema for the argument of every channel of a domain: a missing one fails the type check. */
export type ChannelSchemas<M extends Record<string, ChannelSpec>> = { [K in keyof M]: z.ZodType<M[K]['args']> };

/** A zod schema for the payload of every event of a domain. */
export type EventSchemas<M extends Record<string, unknown>> = { [K in keyof M]: z.ZodType<M[K]> };
