// A real OpenID Connect issuer (oidc-provider) for `npm start` and the tests: seeded users of every role,
// signed in on its own login page. Production points OIDC_ISSUER at the company's issuer instead.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { loginPage, logoutPage } from './oidcPages';

/** The claims the API maps to a holder (see api/auth.ts). */
export interface ProgramClaims {
  role: string;
  name: string;
  email?: string;
  cco_id?: string;
  partner_id?: string;
  am_id?: string;
}

export interface SeededUser {
  username: string;
  password: string;
  claims: ProgramClaims;
}

const SEEDS: Record<string, ProgramClaims> = {
  captain: { role: 'team-captain', cco_id: 'dlee', name: 'Dana Lee', email: 'dlee@acme.example' },
  captain2: { role: 'team-captain', cco_id: 'mchan', name: 'Morgan Chan', email: 'mchan@acme.example' },
  partner: { role: 'partner', partner_id: 'P-1', name: 'Pat Partner', email: 'pat@partner-p1.example' },
  am: { role: 'account-manager', am_id: 'am-1', name: 'Avery Stone', email: 'avery@cisco.example' },
  ops: { role: 'ops', name: 'Olive Ops', email: 'ops@programs.example' },
};

/** What the issuer needs to stay the same across restarts: passwords, its signing key, its cookie key. */
export interface IssuerSecrets {
  passwords: Record<string, string>;
  signingKey: JWK;
  cookieKey: string;
}

export async function newIssuerSecrets(): Promise<IssuerSecrets> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(6).toString('base64url'), alg: 'RS256', use: 'sig' };
  const passwords = Object.fromEntries(Object.keys(SEEDS).map((u) => [u, randomBytes(9).toString('base64url')]));
  return { passwords, signingKey, cookieKey: randomBytes(32).toString('base64url') };
}

/** Development secrets of the issuer, made once per DATA_DIR (never in the repo), so printed passwords keep working. */
export async function devIssuerSecrets(dataDir: string): Promise<IssuerSecrets> {
  const file = join(dataDir, 'dev-oidc-issuer.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as IssuerSecrets;
  const secrets = await newIssuerSecrets();
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export interface IssuerOptions {
  /** 0: any free port. */
  port: number;
  clientId: string;
  /** Unset: a public client (PKCE only). */
  clientSecret?: string;
  redirectUris: string[];
  /** Unset: `<origin>/app` of each redirect URI. */
  postLogoutRedirectUris?: string[];
  /** The API's audience: access tokens are JWTs for it (OIDC_AUDIENCE's default). */
  audience?: string;
  secrets?: IssuerSecrets;
  /** Seconds an access token lives (3600). */
  accessTokenTtl?: number;
}

const claimsOf = (sub: string) => (SEEDS[sub] ? { sub, ...SEEDS[sub] } : undefined);

/** First-party client: the grant is implied (the program's scopes and the API as resource), no consent screen. */
const impliedGrant = (audience: string) => async (ctx: KoaContextWithOIDC) => {
  const { client, session } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const existing = session.grantIdFor(client.clientId);
  if (existing) return ctx.oidc.provider.Grant.find(existing);
  const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope('openid profile email programs');
  grant.addOIDCClaims(['role', 'cco_id', 'partner_id', 'am_id', 'name', 'email']);
  grant.addResourceScope(audience, 'api');
  await grant.save();
  return grant;
};

/** Access tokens are JWTs for the API (its audience), carrying the program claims. */
const apiAsResource = (audience: string, ttl: number) => ({
  enabled: true,
  defaultResource: async () => audience,
  useGrantedResource: async () => true,
  getResourceServerInfo: async () => ({
    scope: 'api',
    audience,
    accessTokenFormat: 'jwt' as const,
    accessTokenTTL: ttl,
    jwt: { sign: { alg: 'RS256' as const } },
  }),
});

export const DEFAULT_AUDIENCE = 'https://programs.example/api';

function providerConfig(opts: IssuerOptions, secrets: IssuerSecrets): Configuration {
  const audience = opts.audience ?? DEFAULT_AUDIENCE;
  const afterLogout = opts.postLogoutRedirectUris ?? opts.redirectUris.map((uri) => new URL('/app', uri).href);
  return {
    clients: [
      {
        client_id: opts.clientId,
        ...(opts.clientSecret
          ? { client_secret: opts.clientSecret, token_endpoint_auth_method: 'client_secret_basic' }
          : { token_endpoint_auth_method: 'none' }),
        redirect_uris: opts.redirectUris,
        post_logout_redirect_uris: afterLogout,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email', 'programs', 'api'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], programs: ['role', 'cco_id', 'partner_id', 'am_id'] },
    // The ID token carries the program claims, so the API's session needs no userinfo call.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => {
      const claims = claimsOf(sub);
      return claims ? { accountId: sub, claims: async () => claims } : undefined;
    },
    loadExistingGrant: impliedGrant(audience),
    extraTokenClaims: async (_ctx, token) => {
      const claims = 'accountId' in token && token.accountId ? claimsOf(token.accountId) : undefined;
      if (!claims) return undefined;
      const { sub: _sub, ...rest } = claims;
      return rest as unknown as Record<string, unknown>;
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource: async (ctx, form) => void (ctx.body = logoutPage(form)) },
      resourceIndicators: apiAsResource(audience, opts.accessTokenTtl ?? 3600),
    },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    jwks: { keys: [secrets.signingKey as never] },
    cookies: { keys: [secrets.cookieKey] },
    ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
  };
}

const samePassword = (given: string, expected: string) => {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
};

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The login page and its form post; everything else is the provider's. */
async function interaction(provider: Provider, secrets: IssuerSecrets, req: IncomingMessage, res: ServerResponse, uid: string) {
  const details = await provider.interactionDetails(req, res);
  const send = (status: number, html: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  };
  if (req.method === 'GET') return send(200, loginPage(uid, details.params.client_id as string));
  const form = await formBody(req);
  const username = form.get('username') ?? '';
  const expected = secrets.passwords[username];
  if (!expected || !samePassword(form.get('password') ?? '', expected)) {
    return send(401, loginPage(uid, details.params.client_id as string, { username, error: 'Wrong username or password' }));
  }
  await provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
}

export interface OidcIssuer {
  issuer: string;
  users: SeededUser[];
  /** For tests: a JWT signed with the issuer's own key (e.g. an expired one), claims as given. */
  mint: (claims: JWTPayload, opts: { expiresAt: number; issuer?: string; audience?: string }) => Promise<string>;
  stop: () => Promise<void>;
}

/** Starts the issuer on `port` (all interfaces) at `http://localhost:<port>`. */
export async function startOidcIssuer(opts: IssuerOptions): Promise<OidcIssuer> {
  const secrets = opts.secrets ?? (await newIssuerSecrets());
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port, () => resolve()));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, providerConfig(opts, secrets));
  const callback = provider.callback();
  handle = (req, res) => {
    const match = /^\/interaction\/([\w-]+)(?:\/login)?$/.exec(req.url?.split('?')[0] ?? '');
    if (!match) return void callback(req, res);
    interaction(provider, secrets, req, res, match[1]!).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`This sign-in cannot go on (${(err as Error).message}); start again from the portal.`);
    });
  };
  const key = await importJWK(secrets.signingKey, 'RS256');
  return {
    issuer,
    users: Object.entries(SEEDS).map(([username, claims]) => ({ username, password: secrets.passwords[username]!, claims })),
    mint: (claims, m) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: secrets.signingKey.kid })
        .setIssuer(m.issuer ?? issuer)
        .setAudience(m.audience ?? opts.audience ?? DEFAULT_AUDIENCE)
        .setIssuedAt(m.expiresAt - 3600)
        .setExpirationTime(m.expiresAt)
        .sign(key),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}
