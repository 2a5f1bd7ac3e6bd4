import { z } from 'zod';
import type { ChannelSchemas } from '../channel';

/** What the app tells the renderer about itself. */
export type AppInfo = { version: string; platform: string; mode: 'electron' | 'browser' };

/** Why the local database cannot be used: its bytes are damaged, or a newer OrgDesk wrote it. */
type DatabaseProblem = 'damaged' | 'newer-version';

/**
 * Whether OrgDesk could open its local database. When it could not, the app runs in recovery: only the app domain answers,
 * and the renderer shows what happened (message, hint, the file) instead of the areas.
 */
export type DatabaseStatus =
  | { state: 'ready'; path: string }
  | { state: 'needs-recovery'; problem: DatabaseProblem; path: string; message: string; hint: string };

/** What moving the database aside did: where the old file went (null when it was already gone) and where the fresh one is. */
export type DatabaseRecovery = { movedTo: string | null; path: string };

/** Invoke channels of the app domain. */
export type AppInvoke = {
  'app:info': { args: Record<string, never>; result: AppInfo };
  'app:database-status': { args: Record<string, never>; result: DatabaseStatus };
  'app:database-recover': { args: Record<string, never>; result: DatabaseRecovery };
};

/** Argument schemas of the app domain's channels. */
export const appSchemas = {
  'app:info': z.object({}).strict(),
  'app:database-status': z.object({}).strict(),
  'app:database-recover': z.object({}).strict(),
} satisfies ChannelSchemas<AppInvoke>;
