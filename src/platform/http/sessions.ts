// Server-side sessions for the pages (not the API, which uses keys). The cookie holds only a
// signed random id; the store in PostgreSQL enforces the idle and absolute timeouts.
import session from '@fastify/session';
import type { FastifyInstance } from 'fastify';

export const SESSION_COOKIE = 'onedoor_session';
/** How stale `lastSeenAt` may get before a request refreshes it (one write a minute at most). */
const TOUCH_AFTER_MS = 60_000;

/** A store with @fastify/session's callbacks, whatever shape of session data it keeps. */
export interface SessionStoreLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get(sessionId: string, callback: (error?: Error | null, value?: any) => void): void;
  set(sessionId: string, session: never, callback: (error?: Error | null) => void): void;
  destroy(sessionId: string, callback: (error?: Error | null) => void): void;
}

export interface SessionSettings {
  secret: string;
  store: SessionStoreLike;
}

export async function setUpSessions(app: FastifyInstance, settings: SessionSettings): Promise<void> {
  await app.register(session, {
    secret: settings.secret,
    cookieName: SESSION_COOKIE,
    // `auto`: Secure whenever the request came over HTTPS (directly or through a trusted proxy).
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/' },
    rolling: false,
    saveUninitialized: false,
    store: settings.store as unknown as session.FastifySessionOptions['store'],
  });
  app.addHook('onRequest', async (request) => {
    const lastSeenAt = request.session.lastSeenAt;
    if (typeof lastSeenAt === 'number' && Date.now() - lastSeenAt > TOUCH_AFTER_MS) {
      request.session.set('lastSeenAt', Date.now());
    }
  });
}
