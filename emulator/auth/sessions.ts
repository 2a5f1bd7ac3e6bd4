/** Sessions (access tokens): minted by the token endpoint or the admin shortcut, expiring after inactivity. */
import { randomBytes } from 'node:crypto';

/** One live session. */
export type Session = { token: string; userId: string; username: string; createdAt: number; lastUsedAt: number };

/** The session table. */
export interface SessionStore {
  /** Mints a token `<15-char org id>!<opaque>` for a user. */
  create(userId: string, username: string): Session;
  /** The session of a token, refreshing its inactivity clock; undefined if unknown or expired. */
  use(token: string): Session | undefined;
  /** Ends every session (the "expire all sessions" fault). */
  expireAll(): void;
  /** Ends one session. */
  revoke(token: string): boolean;
  /** How many sessions are live. */
  count(): number;
  /** Changes the inactivity timeout. */
  setTimeout(ms: number): void;
}

/** Creates the session table for an org. */
export function createSessionStore(options: { orgId15: string; timeoutMs: number; now: () => number }): SessionStore {
  const sessions = new Map<string, Session>();
  let timeoutMs = options.timeoutMs;
  return {
    create(userId, username) {
      // Real tokens: "00D…!AR8AQ…" — the org id, "!", then an opaque string of letters, digits, dots and underscores.
      const opaque = `AQ${randomBytes(72).toString('base64url').replace(/-/g, '.')}`;
      const token = `${options.orgId15}!${opaque}`;
      const at = options.now();
      const session: Session = { token, userId, username, createdAt: at, lastUsedAt: at };
      sessions.set(token, session);
      return session;
    },
    use(token) {
      const session = sessions.get(token);
      if (!session) return undefined;
      const at = options.now();
      if (at - session.lastUsedAt > timeoutMs) {
        sessions.delete(token);
        return undefined;
      }
      session.lastUsedAt = at;
      return session;
    },
    expireAll() {
      sessions.clear();
    },
    revoke: (token) => sessions.delete(token),
    count: () => sessions.size,
    setTimeout(ms) {
      timeoutMs = ms;
    },
  };
}
