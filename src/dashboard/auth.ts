/**
 * Accounts and sessions of the dashboard. Passwords are hashed with scrypt from node:crypto
 * (`scrypt$N$r$p$salt$hash`, salt and hash base64); sessions are random 256-bit tokens in an
 * HttpOnly, Secure, SameSite=Strict cookie, each with its own CSRF token that every POST must
 * echo (form field `_csrf` or header `x-csrf-token`).
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Role } from './store.ts';

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32 } as const;
export const SESSION_COOKIE = 'anjungan_session';
/** Idle sessions end after this long. */
export const SESSION_IDLE_MS = 12 * 3600_000;
export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, {
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
    maxmem: 64 * 2 ** 20,
  });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export function verifyPassword(password: string, stored: string): boolean {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 2 ** 20,
  });
  return timingSafeEqual(actual, expected);
}

export function validUserName(name: string): boolean {
  return /^[a-z0-9][a-z0-9._-]{0,31}$/.test(name);
}

export interface Session {
  user: string;
  role: Role;
  csrf: string;
  lastUsed: number;
}

/** Sessions live in memory: a dashboard restart asks everyone to log in again. */
export class Sessions {
  private readonly byToken = new Map<string, Session>();

  create(user: string, role: Role, now: number): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const session = { user, role, csrf: randomBytes(24).toString('base64url'), lastUsed: now };
    this.byToken.set(token, session);
    return { token, session };
  }

  get(token: string | undefined, now: number): Session | null {
    if (!token) return null;
    const s = this.byToken.get(token);
    if (!s) return null;
    if (now - s.lastUsed > SESSION_IDLE_MS) {
      this.byToken.delete(token);
      return null;
    }
    s.lastUsed = now;
    return s;
  }

  end(token: string | undefined): void {
    if (token) this.byToken.delete(token);
  }

  /** Ends every session of a user (removed, or password changed). */
  endUser(user: string): void {
    for (const [token, s] of this.byToken) if (s.user === user) this.byToken.delete(token);
  }
}

export function sameToken(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
