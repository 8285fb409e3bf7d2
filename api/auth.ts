import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { tokenHolderSchema, type Role, type TokenHolder } from '../config/env';
import type { AuditActor } from '../db/audit';
import { forbidden, unauthorized } from './errors';
import { cookieOf, sameSecret, SESSION_COOKIE, type Identity, type SessionStore } from './session';
import type { AuthThrottle } from './authThrottle';

export type TokenMap = Record<string, TokenHolder>;

declare module 'express-serve-static-core' {
  interface Request {
    holder?: TokenHolder;
    /** Who signed in, as the issuer names them; for a static token, the holder's own name. */
    identity?: Identity;
    /** Set for a cookie session: what `/v1/me` hands the portal for its X-CSRF-Token header. */
    csrfToken?: string;
  }
}

/** The API's view of an OpenID Connect issuer: whose JWTs it accepts, for which audience. */
export interface JwtCheck {
  issuer: string;
  audience: string;
  /** The issuer's JWKS (from its discovery document), fetched lazily and cached by jose. */
  jwksUri: () => Promise<URL>;
  /** Our client: a token must name it as `azp` or (RFC 9068) `client_id`, and no other. */
  clientId: string;
  /** The scope a token that lists scopes must list (OIDC_API_SCOPE); an `openid`-only token lacks it. */
  scope: string;
}

/**
 * A token given to another client, or to none, or one whose scopes leave out the API's, is not a key to
 * the API. A token with no `scope` claim is the API's by its audience and client: the development
 * issuer's access tokens carry none (scripts/services/oidcIssuer.ts).
 */
export function grantedToUs(payload: JWTPayload, check: Pick<JwtCheck, 'clientId' | 'scope'>): boolean {
  const clients = [payload.azp, payload.client_id].filter((c) => c !== undefined);
  const scoped = payload.scope === undefined || (typeof payload.scope === 'string' && payload.scope.split(' ').includes(check.scope));
  return scoped && clients.length > 0 && clients.every((c) => c === check.clientId);
}

/** The claims `role`, `cco_id`, `partner_id`, `am_id`, `name` as a holder; none when they name no valid one. */
export function holderFromClaims(claims: JWTPayload): TokenHolder | undefined {
  const parsed = tokenHolderSchema.safeParse({
    role: claims.role,
    ccoId: claims.cco_id,
    partnerId: claims.partner_id,
    amId: claims.am_id,
    name: claims.name,
    // Issue 24: ops are recorded by the issuer's subject, never by their display name.
    ...(claims.role === 'ops' && typeof claims.sub === 'string' && claims.sub ? { id: claims.sub } : {}),
  });
  return parsed.success ? parsed.data : undefined;
}

export function identityFromClaims(claims: JWTPayload, holder: TokenHolder): Identity {
  const name = typeof claims.name === 'string' && claims.name ? claims.name : actorOf(holder);
  return { name, ...(typeof claims.email === 'string' ? { email: claims.email } : {}) };
}

/**
 * Issue 24: a static ops token without its own `id` is known by one derived from the token (the first 12
 * hex digits of its SHA-256): stable while the token is, and never the token itself.
 */
function withTokenId(holder: TokenHolder, token: string): TokenHolder {
  if (holder.role !== 'ops' || holder.id) return holder;
  return { ...holder, id: `token-${createHash('sha256').update(token).digest('hex').slice(0, 12)}` };
}

/** Verifies a bearer JWT: signature against the issuer's JWKS, issuer, audience, expiry, scope and azp. */
export function jwtVerifier(check: JwtCheck) {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  return async (token: string): Promise<JWTPayload | undefined> => {
    try {
      jwks ??= createRemoteJWKSet(await check.jwksUri());
      // 30 s of leeway for clocks that drift between the issuer's hosts and ours.
      const { payload } = await jwtVerify(token, jwks, { issuer: check.issuer, audience: check.audience, clockTolerance: 30 });
      return grantedToUs(payload, check) ? payload : undefined;
    } catch {
      return undefined;
    }
  };
}

export interface AuthOptions {
  tokens: TokenMap;
  verifyJwt?: (token: string) => Promise<JWTPayload | undefined>;
  sessions?: SessionStore;
  /** Failed authentications per client address (api/authThrottle.ts); none: not throttled. */
  throttle?: AuthThrottle;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function bearerHolder(token: string, opts: AuthOptions): Promise<{ holder: TokenHolder; identity: Identity } | undefined> {
  const entry = opts.tokens[token];
  if (entry) {
    const known = withTokenId(entry, token);
    const email = 'email' in known && known.email ? { email: known.email } : {};
    return { holder: known, identity: { name: ('name' in known && known.name) || actorOf(known), ...email } };
  }
  if (!opts.verifyJwt || token.split('.').length !== 3) return undefined;
  const claims = await opts.verifyJwt(token);
  const holder = claims && holderFromClaims(claims);
  return holder ? { holder, identity: identityFromClaims(claims, holder) } : undefined;
}

const bearerOf = (req: Request) => /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];

/** The bearer token's holder, or none (no token, or one not ours): for routes open to all that tell ops more. */
export async function bearerCaller(req: Request, opts: AuthOptions): Promise<TokenHolder | undefined> {
  const token = bearerOf(req);
  return token ? (await bearerHolder(token, opts))?.holder : undefined;
}

/**
 * Who is calling: a bearer token (a static API token or the issuer's JWT), else the portal's session
 * cookie, whose every non-GET request must carry its X-CSRF-Token (403 otherwise). Neither: 401.
 * Credentials that fail count against the caller's address; past the limit its tries are 429.
 */
export function authenticate(opts: AuthOptions) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerOf(req);
    const sessionId = token ? undefined : cookieOf(req, SESSION_COOKIE);
    if (!token && !sessionId) return next(unauthorized());
    const throttled = await opts.throttle?.refused(req);
    if (throttled) return next(throttled);
    const failed = () => (opts.throttle ? opts.throttle.failed(req, res, next) : next(unauthorized()));
    if (token) {
      const found = await bearerHolder(token, opts);
      if (!found) return failed();
      [req.holder, req.identity] = [found.holder, found.identity];
      return next();
    }
    const session = sessionId && opts.sessions ? await opts.sessions.find(sessionId) : undefined;
    if (!session) return failed();
    if (!SAFE_METHODS.has(req.method) && !sameSecret(req.header('x-csrf-token'), session.csrfToken)) {
      return next(forbidden('A signed-in request that changes something needs the X-CSRF-Token header from /v1/me'));
    }
    [req.holder, req.identity, req.csrfToken] = [session.holder, session.identity, session.csrfToken];
    next();
  };
}

/** The route is for these roles only: any other is 403 (ALL-3). */
export function allow(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.holder || !roles.includes(req.holder.role)) return next(forbidden(`Only ${roles.join(' or ')} may do this`));
    next();
  };
}

export function holderOf(req: Request): TokenHolder {
  if (!req.holder) throw unauthorized();
  return req.holder;
}

/**
 * Who acted, for the records: a stable subject (issue 24), never a display name: the business id of an
 * Account Manager, Team Captain or partner, an ops holder's `id` (the JWT's `sub` or the static token's id).
 */
export function actorOf(holder: TokenHolder): string {
  switch (holder.role) {
    case 'team-captain':
      return `team-captain:${holder.ccoId}`;
    case 'partner':
      return `partner:${holder.partnerId}`;
    case 'account-manager':
      // The id, not the name: an account's manager is found by it (ALL-3).
      return `account-manager:${holder.amId}`;
    case 'ops':
      // A session signed in before ops carried an id keeps its name until it signs in again.
      return holder.id ? `ops:${holder.id}` : `ops:name:${holder.name ?? 'unnamed'}`;
    default:
      return holder.role;
  }
}

/** Who acted, as the audit record keeps it: the stable subject and, beside it, the display name. */
export function actorFrom(req: Request): AuditActor {
  const holder = holderOf(req);
  return { actor: actorOf(holder), name: req.identity?.name ?? actorOf(holder) };
}
