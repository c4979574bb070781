/**
 * Who is asking and may they: the session behind a request (or the single local operator of
 * `--no-auth`), its CSRF token on every POST, and the role a route needs.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dashboard } from './app.ts';
import { SESSION_COOKIE, sameToken } from './auth.ts';
import type { Viewer } from './pages.ts';

export type Body = Record<string, string | undefined>;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h === '::ffff:127.0.0.1' || /^127\./.test(h);
}

export function accessControl(app: Dashboard, auth: boolean, localCsrf: string) {
  /** Cookies are Secure except over plain HTTP to a loopback address (a person's own machine). */
  const secure = (req: FastifyRequest) => req.protocol === 'https' || !isLoopback(req.hostname);

  const viewerOf = (req: FastifyRequest): Viewer | null => {
    if (!auth) return { user: 'local', role: 'operator', csrf: localCsrf, auth: false };
    const token = req.cookies[SESSION_COOKIE];
    const s = app.sessions.get(token, Date.now());
    if (!s) return null;
    // The account may have been removed or changed by `anjungan dashboard user` since login.
    const u = app.store.user(s.user);
    if (!u) {
      app.sessions.end(token);
      return null;
    }
    return { user: u.name, role: u.role, csrf: s.csrf, auth: true };
  };

  /** The viewer, or a reply sent (login redirect / 401 / 403) and null. */
  const need = (req: FastifyRequest, reply: FastifyReply, role: 'viewer' | 'operator' = 'viewer') => {
    const v = viewerOf(req);
    if (!v) {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) void reply.redirect('/login', 303);
      else void reply.code(401).send({ error: 'login required' });
      return null;
    }
    if (req.method === 'POST') {
      const body = (req.body ?? {}) as Body;
      const token = body._csrf ?? (req.headers['x-csrf-token'] as string | undefined);
      if (!sameToken(token, v.csrf)) {
        void reply.code(403).send({ error: 'missing or wrong CSRF token' });
        return null;
      }
    }
    if (role === 'operator' && v.role !== 'operator') {
      void reply.code(403).send({ error: 'operators only' });
      return null;
    }
    return v;
  };

  return { secure, need };
}
