// Sign-in for the portal: /auth/login -> the issuer (code + PKCE) -> /auth/callback opens a session;
// /auth/logout ends it and the issuer's. /v1/me tells any signed-in caller who they are.
import express, { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app';
import { holderFromClaims, identityFromClaims, jwtVerifier, type AuthOptions } from '../auth';
import { forbidden, HttpError } from '../errors';
import { authorizationUrl, completeSignIn, endSessionUrl, randomSecrets, relyingParty, type RelyingParty } from '../oidc';
import { route } from '../route';
import { meSchema } from '../schemas/auth';
import {
  cookieOf,
  cookieOptions,
  LOGIN_COOKIE,
  openLogin,
  sameSecret,
  sealLogin,
  SESSION_COOKIE,
  SESSION_HOURS,
  sessionStore,
  type SessionStore,
} from '../session';

const LOGIN_MINUTES = 10;

/** Only a path of the portal on this origin; anything else (another site, `//host`, the API) goes home. */
export function safeReturnTo(raw: unknown, publicUrl: string): string {
  if (typeof raw !== 'string' || !raw) return '/app';
  const base = new URL(publicUrl);
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return '/app';
  }
  const underApp = url.pathname === '/app' || url.pathname.startsWith('/app/');
  return url.origin === base.origin && underApp ? `${url.pathname}${url.search}${url.hash}` : '/app';
}

const signInFailed = (why: string) => new HttpError(401, 'sign_in_failed', `Sign-in did not complete: ${why}. Start again at /auth/login.`);

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * This machine under another of its names (127.0.0.1 for localhost): the sign-in cookie would be set on a
 * host the issuer does not return to, so sign-in starts again at PUBLIC_URL's.
 */
function atAnotherLocalName(req: Request, publicUrl: string): boolean {
  const here = URL.parse(`http://${req.get('host') ?? ''}`);
  const base = new URL(publicUrl);
  return !!here && here.host !== base.host && LOCAL_HOSTS.has(here.hostname) && LOCAL_HOSTS.has(base.hostname);
}

function login(rp: RelyingParty) {
  return async (req: Request, res: Response) => {
    if (atAnotherLocalName(req, rp.cfg.publicUrl)) {
      return res.redirect(303, new URL(req.originalUrl, rp.cfg.publicUrl).href);
    }
    const tx = { ...randomSecrets(), returnTo: safeReturnTo(req.query.returnTo, rp.cfg.publicUrl) };
    const target = await authorizationUrl(rp, tx);
    res.cookie(LOGIN_COOKIE, await sealLogin(tx, rp.cfg.sessionSecret), cookieOptions(rp.cfg.publicUrl, LOGIN_MINUTES * 60_000));
    res.redirect(303, target.href);
  };
}

function callback(rp: RelyingParty, sessions: SessionStore) {
  return async (req: Request, res: Response) => {
    const sealed = cookieOf(req, LOGIN_COOKIE);
    const tx = sealed ? await openLogin(sealed, rp.cfg.sessionSecret) : undefined;
    if (!tx) throw signInFailed('this browser did not start it, or it took over 10 minutes');
    res.clearCookie(LOGIN_COOKIE, cookieOptions(rp.cfg.publicUrl, 0));
    const signedIn = await completeSignIn(rp, new URL(req.originalUrl, rp.cfg.publicUrl), tx).catch((err: unknown) => {
      throw signInFailed((err as Error).message);
    });
    const holder = holderFromClaims(signedIn.claims);
    if (!holder) throw forbidden('Your sign-in names no role of Cisco Programs (claims role, cco_id, partner_id, am_id)');
    const identity = identityFromClaims(signedIn.claims, holder);
    // A sign-in replaces whatever session this browser had: the old one ends, not just its cookie.
    const previous = cookieOf(req, SESSION_COOKIE);
    if (previous) await sessions.end(previous);
    const { id } = await sessions.create({ holder, identity, ...(signedIn.idToken ? { idToken: signedIn.idToken } : {}) });
    res.cookie(SESSION_COOKIE, id, cookieOptions(rp.cfg.publicUrl, SESSION_HOURS * 3600_000));
    res.redirect(303, tx.returnTo);
  };
}

/**
 * Ends the session (CSRF token as the X-CSRF-Token header or a `csrfToken` form field), then the issuer's.
 * A browser form is redirected (303); a script asking for JSON gets `{ redirectTo }` to navigate to.
 */
function logout(rp: RelyingParty, sessions: SessionStore) {
  return async (req: Request, res: Response) => {
    const id = cookieOf(req, SESSION_COOKIE);
    const session = id ? await sessions.find(id) : undefined;
    if (id && session) {
      const given = req.header('x-csrf-token') ?? (req.body as { csrfToken?: unknown } | undefined)?.csrfToken;
      if (!sameSecret(typeof given === 'string' ? given : undefined, session.csrfToken)) throw forbidden('Sign-out needs the CSRF token');
      await sessions.end(id);
    }
    res.clearCookie(SESSION_COOKIE, cookieOptions(rp.cfg.publicUrl, 0));
    const home = new URL('/app', rp.cfg.publicUrl).href;
    const redirectTo = (await endSessionUrl(rp, session?.idToken, home)) ?? home;
    if (req.accepts(['html', 'json']) === 'json') return void res.json({ redirectTo });
    res.redirect(303, redirectTo);
  };
}

/** The sign-in routes and what /v1 authenticates with: static tokens always; JWTs and sessions with an issuer. */
export function signIn(deps: AppDeps): { router: Router; auth: AuthOptions } {
  const router = Router();
  const cfg = deps.config.auth;
  if (!cfg) return { router, auth: { tokens: deps.config.tokens } };
  const rp = relyingParty(cfg);
  const sessions = sessionStore(deps.db);
  router.get('/auth/login', login(rp));
  router.get('/auth/callback', callback(rp, sessions));
  router.post('/auth/logout', express.urlencoded({ extended: false, limit: '4kb' }), logout(rp, sessions));
  const verifyJwt = jwtVerifier({
    issuer: cfg.issuer,
    audience: cfg.audience,
    jwksUri: rp.jwksUri,
    clientId: cfg.clientId,
    scope: cfg.apiScope ?? 'api',
  });
  return { router, auth: { tokens: deps.config.tokens, verifyJwt, sessions } };
}

const me = route({
  method: 'get',
  path: '/v1/me',
  roles: ['team-captain', 'partner', 'account-manager', 'ops', 'telemetry'],
  summary: 'Who is signed in (bearer token or portal session), and the CSRF token a session sends back',
  request: {},
  responses: { 200: { description: 'The caller', schema: meSchema } },
  handler: async ({ holder, req }) => {
    const ids = holder as { ccoId?: string; partnerId?: string; amId?: string };
    return {
      status: 200,
      body: {
        role: holder.role,
        name: req.identity?.name ?? holder.role,
        ...(req.identity?.email ? { email: req.identity.email } : {}),
        ...(ids.ccoId ? { ccoId: ids.ccoId } : {}),
        ...(ids.partnerId ? { partnerId: ids.partnerId } : {}),
        ...(ids.amId ? { amId: ids.amId } : {}),
        csrfToken: req.csrfToken ?? '',
      },
    };
  },
});

export const authRoutes = [me];
