import { z } from 'zod';
import type { ChannelSchemas } from '../channel';

/** What the app tells the renderer about itself. */
export type AppInfo = { version: string; platform: string; mode: 'electron' | 'browser' };

/** Invoke channels of the app domain. */
export type AppInvoke = {
  'app:info': { args: Record<string, never>; result: AppInfo };
};

/** Argument schemas of the app domain's channels. */
export const appSchemas = {
  'app:info': z.object({}).strict(),
} satisfies ChannelSchemas<AppInvoke>;
