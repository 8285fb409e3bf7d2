// Portal sessions: an opaque random id in an HttpOnly cookie, the session itself in Postgres (keyed by
// the id's hash, so a database read does not hand out live sessions), ended for good on sign-out.
// The session keeps who signed in (role and ids), never what they own: ownership is checked against the
// current state on every request (a captain replaced under LOY-8 loses access at once).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request } from 'express';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { Knex } from 'knex';
import { tokenHolderSchema, type TokenHolder } from '../config/env';

export const SESSION_COOKIE = 'cp_session';
export const LOGIN_COOKIE = 'cp_login';
/** Hours a session lasts from sign-in. */
export const SESSION_HOURS = 8;

export interface Identity {
  name: string;
  email?: string;
}

export interface Session {
  holder: TokenHolder;
  identity: Identity;
  csrfToken: string;
  idToken?: string;
}

const hash = (id: string) => createHash('sha256').update(id).digest('hex');

/** The portal sessions in Postgres (migration 010_sessions). */
export function sessionStore(db: Knex) {
  return {
    /** Opens a session; the answer is the cookie's value. */
    async create(session: Omit<Session, 'csrfToken'>): Promise<{ id: string; csrfToken: string }> {
      const id = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      await db('sessions').where('expires_at', '<', db.fn.now()).delete();
      await db('sessions').insert({
        id: hash(id),
        holder: JSON.stringify(session.holder),
        name: session.identity.name,
        email: session.identity.email ?? null,
        csrf_token: csrfToken,
        id_token: session.idToken ?? null,
        expires_at: new Date(Date.now() + SESSION_HOURS * 3600_000),
      });
      return { id, csrfToken };
    },
    async find(id: string): Promise<Session | undefined> {
      const row = await db('sessions')
        .where({ id: hash(id) })
        .andWhere('expires_at', '>', db.fn.now())
        .first();
      if (!row) return undefined;
      const holder = tokenHolderSchema.safeParse(row.holder);
      if (!holder.success) return undefined;
      const identity: Identity = { name: row.name, ...(row.email ? { email: row.email } : {}) };
      return { holder: holder.data, identity, csrfToken: row.csrf_token, ...(row.id_token ? { idToken: row.id_token } : {}) };
    },
    async end(id: string): Promise<void> {
      await db('sessions')
        .where({ id: hash(id) })
        .delete();
    },
  };
}

export type SessionStore = ReturnType<typeof sessionStore>;

export const sameSecret = (given: string | undefined, expected: string): boolean => {
  if (!given) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Secure everywhere but a browser's own machine, where the portal runs over plain http. */
export function cookieOptions(publicUrl: string, maxAgeMs: number): CookieOptions {
  const { hostname, pathname } = new URL(publicUrl);
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
  return { httpOnly: true, secure: !local, sameSite: 'lax', path: pathname.replace(/\/$/, '') || '/', maxAge: maxAgeMs };
}

export const cookieOf = (req: Request, name: string): string | undefined => {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value ? value : undefined;
};

/** What the sign-in must remember between /auth/login and /auth/callback. */
export interface LoginTransaction {
  codeVerifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

const sealKey = (secret: string) => createHash('sha256').update(`cp-login:${secret}`).digest();

/** The transaction, encrypted (A256GCM) so the browser carries it without reading or changing it. */
export const sealLogin = (tx: LoginTransaction, secret: string): Promise<string> =>
  new EncryptJWT({ ...tx })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .encrypt(sealKey(secret));

export async function openLogin(sealed: string, secret: string): Promise<LoginTransaction | undefined> {
  try {
    const { payload } = await jwtDecrypt(sealed, sealKey(secret));
    const { codeVerifier, state, nonce, returnTo } = payload as Partial<LoginTransaction>;
    if (!codeVerifier || !state || !nonce || !returnTo) return undefined;
    return { codeVerifier, state, nonce, returnTo };
  } catch {
    return undefined;
  }
}
