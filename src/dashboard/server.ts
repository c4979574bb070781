/**
 * The dashboard's HTTP side (fastify): pages, JSON, SSE, /metrics. Every page needs a session
 * (or `--no-auth` on loopback); every POST needs the session's CSRF token; operators alone may
 * acknowledge, mute and send commands. Security headers forbid inline scripts, so even a
 * markup injection that escaped `html` could not run.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyReply } from 'fastify';
import { accessControl, type Body, isLoopback } from './access.ts';
import type { Dashboard } from './app.ts';
import { SESSION_COOKIE, sameToken, verifyPassword } from './auth.ts';
import { figuresCsv, figuresPage, monthFigures, validMonth } from './figures.ts';
import { kioskPage } from './kiosk-page.ts';
import { alertsPage, fleetPage, loginPage } from './pages.ts';
import { localDay } from './store.ts';

/** assets/dashboard (shipped in every release bundle), found from src/dashboard/ (tsx) and dist/dashboard/ (built) alike. */
const PUBLIC_DIR = fileURLToPath(new URL('../../assets/dashboard/', import.meta.url));
const STATIC: Record<string, string> = {
  'fleet.js': 'text/javascript',
  'rollout.js': 'text/javascript',
  'style.css': 'text/css',
};
const LOGIN_COOKIE = 'anjungan_login';
export const LOGIN_ATTEMPTS = 10;
const LOGIN_WINDOW = '15 minutes';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface ServerOptions {
  auth: boolean;
  /** Behind the district's reverse proxy: trust X-Forwarded-* from these addresses. */
  trustProxy: string;
}

export async function createServer(app: Dashboard, opts: ServerOptions) {
  const server = Fastify({ bodyLimit: 64 * 1024, trustProxy: opts.trustProxy, logger: false });
  await server.register(fastifyCookie);
  await server.register(fastifyFormbody);
  // Only routes that ask for it (the login form) are limited. Awaited: its hook must be in
  // place before the routes are declared.
  await server.register(fastifyRateLimit, { global: false });
  const tz = app.opts.timeZone;
  const statics = new Map(Object.keys(STATIC).map((f) => [f, readFileSync(`${PUBLIC_DIR}${f}`)]));
  const localCsrf = randomBytes(24).toString('base64url');

  server.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  const { secure, need } = accessControl(app, opts.auth, localCsrf);

  const page = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
  const kioskKey = (p: unknown) => {
    const { village, device } = p as { village: string; device: string };
    const key = `${village}/${device}`;
    return app.fleet.get(key) ? key : null;
  };

  server.get('/static/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const body = statics.get(file);
    if (!body) return reply.code(404).send('not found');
    return reply.type(STATIC[file]!).header('cache-control', 'max-age=300').send(body);
  });

  server.get('/login', async (req, reply) => {
    if (!opts.auth) return reply.redirect('/', 303);
    const csrf = randomBytes(24).toString('base64url');
    void reply.setCookie(LOGIN_COOKIE, csrf, {
      path: '/login',
      httpOnly: true,
      sameSite: 'strict',
      secure: secure(req),
    });
    return page(
      reply,
      loginPage(csrf, (req.query as Body).failed ? 'Nama pengguna atau kata sandi salah.' : null),
    );
  });

  // Password guessing: at most LOGIN_ATTEMPTS posts of the login form per client address per
  // LOGIN_WINDOW (behind the proxy, the address it forwards).
  server.post(
    '/login',
    { config: { rateLimit: { max: LOGIN_ATTEMPTS, timeWindow: LOGIN_WINDOW } } },
    async (req, reply) => {
      const body = (req.body ?? {}) as Body;
      if (!opts.auth || !sameToken(body._csrf, req.cookies[LOGIN_COOKIE] ?? '\0')) {
        return reply.code(403).send({ error: 'missing or wrong CSRF token' });
      }
      const user = app.store.user(body.user ?? '');
      if (!user || !verifyPassword(body.password ?? '', user.hash)) {
        app.opts.logger.warn({ user: body.user?.slice(0, 40) }, 'dashboard: failed login');
        return reply.redirect('/login?failed=1', 303);
      }
      const { token } = app.sessions.create(user.name, user.role, Date.now());
      void reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: secure(req),
      });
      return reply.redirect('/', 303);
    },
  );

  server.post('/logout', async (req, reply) => {
    if (!need(req, reply)) return reply;
    app.sessions.end(req.cookies[SESSION_COOKIE]);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });

  server.get('/', async (req, reply) => {
    const v = need(req, reply);
    return v ? page(reply, fleetPage(v)) : reply;
  });

  server.get('/api/fleet', async (req, reply) => {
    if (!need(req, reply)) return reply;
    return { counts: app.counts(), rows: app.fleet.all(), now: Date.now() };
  });

  server.get('/api/stream', (req, reply) => {
    if (!need(req, reply)) return reply;
    reply.hijack();
    app.live.add(reply.raw);
  });

  server.get('/api/alerts', async (req, reply) => {
    if (!need(req, reply)) return reply;
    return app
      .currentAlerts()
      .map((a) => ({ ...a, since: new Date(a.since).toISOString(), name: app.kioskName(a.kiosk) }));
  });

  server.get('/alerts', async (req, reply) => {
    const v = need(req, reply);
    return v
      ? page(
          reply,
          alertsPage(v, app.currentAlerts(), (k) => app.kioskName(k), tz),
        )
      : reply;
  });

  server.post('/alerts/ack', async (req, reply) => {
    const v = need(req, reply, 'operator');
    if (!v) return reply;
    const body = req.body as Body;
    const alert = app.currentAlerts().find((a) => a.key === body.alert);
    if (!alert) return reply.code(404).send({ error: 'no such alert (cleared already?)' });
    app.store.ack({ alert: alert.key, by: v.user, at: Date.now(), note: (body.note ?? '').slice(0, 200) });
    app.evaluateAlerts();
    return reply.redirect('/alerts', 303);
  });

  server.get('/kiosk/:village/:device', async (req, reply) => {
    const v = need(req, reply);
    if (!v) return reply;
    const key = kioskKey(req.params);
    const row = key ? app.fleet.get(key) : undefined;
    if (!row) return reply.code(404).send('unknown kiosk');
    const now = Date.now();
    const mute = app.store.mutes(now).get(row.key) ?? null;
    return page(
      reply,
      kioskPage({
        viewer: v,
        row,
        store: app.store,
        now,
        timeZone: tz,
        mute,
        commandsEnabled: app.commandsEnabled,
      }),
    );
  });

  server.post('/kiosk/:village/:device/mute', async (req, reply) => {
    const v = need(req, reply, 'operator');
    if (!v) return reply;
    const key = kioskKey(req.params);
    const body = req.body as Body;
    const until = Date.parse(`${body.until ?? ''}T23:59:59Z`);
    if (!key || !body.reason || !Number.isFinite(until) || until < Date.now())
      return reply.code(400).send({ error: 'needs a known kiosk, a reason and a future end date' });
    app.store.mute({ kiosk: key, reason: body.reason.slice(0, 200), until, by: v.user, at: Date.now() });
    app.evaluateAlerts();
    return reply.redirect(`/kiosk/${key}`, 303);
  });

  server.post('/kiosk/:village/:device/unmute', async (req, reply) => {
    const v = need(req, reply, 'operator');
    if (!v) return reply;
    const key = kioskKey(req.params);
    if (!key) return reply.code(404).send('unknown kiosk');
    app.store.unmute(key);
    app.evaluateAlerts();
    return reply.redirect(`/kiosk/${key}`, 303);
  });

  server.post('/kiosk/:village/:device/command', async (req, reply) => {
    const v = need(req, reply, 'operator');
    if (!v) return reply;
    if (!app.commandsEnabled) return reply.code(403).send({ error: 'the dashboard has no operator key' });
    const key = kioskKey(req.params);
    const body = req.body as Body;
    if (!key) return reply.code(404).send('unknown kiosk');
    let args: Record<string, unknown>;
    if (body.name === 'status' || body.name === 'ping') args = {};
    else if (body.name === 'out_of_service' && body.on === 'false') args = { on: false };
    else if (body.name === 'out_of_service' && body.on === 'true' && body.reason)
      args = { on: true, reason: body.reason.slice(0, 120) };
    else return reply.code(400).send({ error: 'status, ping or out_of_service (with a reason)' });
    await app.command(v.user, key, body.name, args);
    return reply.redirect(`/kiosk/${key}`, 303);
  });

  server.get('/figures', async (req, reply) => {
    const v = need(req, reply);
    if (!v) return reply;
    const q = (req.query as Body).month;
    const month = validMonth(q) ? q : localDay(Date.now(), tz).slice(0, 7);
    return page(
      reply,
      figuresPage(v, monthFigures(app.store, month, oneVillage((req.query as Body).village)), (x) =>
        app.regions.lookup(x),
      ),
    );
  });

  server.get('/figures.csv', async (req, reply) => {
    if (!need(req, reply)) return reply;
    const month = (req.query as Body).month;
    if (!validMonth(month)) return reply.code(400).send({ error: 'month=YYYY-MM' });
    const csv = figuresCsv(monthFigures(app.store, month), (x) => app.regions.lookup(x));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="anjungan-${month}.csv"`)
      .send(csv);
  });

  // Prometheus on the same host scrapes without a session; anyone else needs one.
  server.get('/metrics', async (req, reply) => {
    if (!isLoopback(req.socket.remoteAddress ?? '') && !need(req, reply)) return reply;
    return reply.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics());
  });

  return server;
}

function oneVillage(code: string | undefined): string | undefined {
  return code && /^[0-9]{10}$/.test(code) ? code : undefined;
}
