// A person's browser, as far as sign-in needs one: a cookie jar, redirects followed one by one across the
// API and the issuer, and the issuer's login form filled in. Cookies ignore ports, as in a browser.
import { randomBytes } from 'node:crypto';
import * as oc from 'openid-client';
import type { AppConfig } from '../../api/app';
import { DEFAULT_AUDIENCE } from '../../scripts/services/oidcIssuer';

/** The app's sign-in settings for an issuer started by the test (`startOidcIssuer`), served at `publicUrl`. */
export function appAuthFor(o: { issuer: string; publicUrl: string; clientId: string; audience?: string; clientSecret?: string }) {
  const auth: NonNullable<AppConfig['auth']> = {
    issuer: o.issuer,
    clientId: o.clientId,
    ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
    audience: o.audience ?? DEFAULT_AUDIENCE,
    scopes: 'openid profile email programs',
    publicUrl: o.publicUrl,
    sessionSecret: randomBytes(32).toString('base64url'),
  };
  return auth;
}

export interface Hop {
  url: string;
  status: number;
  location?: string;
  setCookies: string[];
  headers: Record<string, string>;
  body: string;
}

export class Browser {
  readonly jar = new Map<string, string>();
  readonly hops: Hop[] = [];

  private cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** One request, no redirect followed; Set-Cookie lands in the jar. */
  async fetch(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Hop> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...init.headers, ...(this.jar.size ? { cookie: this.cookieHeader() } : {}) },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, at), pair!.slice(at + 1)];
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const location = res.headers.get('location');
    const hop: Hop = {
      url,
      status: res.status,
      setCookies,
      headers: Object.fromEntries(res.headers),
      body: await res.text(),
      ...(location ? { location: new URL(location, url).href } : {}),
    };
    this.hops.push(hop);
    return hop;
  }

  /** Follows redirects from `url` until a page answers, or until a URL starting with `stopAt`. */
  async follow(url: string, init: Parameters<Browser['fetch']>[1] = {}, stopAt?: string): Promise<Hop> {
    let hop = await this.fetch(url, init);
    for (let i = 0; i < 15 && hop.location && !(stopAt && hop.location.startsWith(stopAt)); i++) hop = await this.fetch(hop.location);
    return hop;
  }

  /** Fills the issuer's login page ("Username", "Password", "Sign in") and follows on. */
  async submitLogin(page: Hop, username: string, password: string, stopAt?: string): Promise<Hop> {
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
    if (!action) throw new Error(`not a login page: ${page.url} (${page.status})`);
    return this.follow(
      new URL(action, page.url).href,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString(),
      },
      stopAt,
    );
  }

  /** The portal's sign-in, start to end: /auth/login at the API, the issuer's form, back to the portal. */
  async signIn(api: string, username: string, password: string, returnTo = '/app'): Promise<Hop> {
    const loginPage = await this.follow(`${api}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
    return this.submitLogin(loginPage, username, password, `${api}/app`);
  }

  /** A JSON call to the API with this browser's cookies (and the CSRF token, when given). */
  async call(api: string, method: string, path: string, opts: { body?: unknown; csrf?: string } = {}) {
    const hop = await this.fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(opts.csrf ? { 'x-csrf-token': opts.csrf } : {}) },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    return { status: hop.status, body: hop.body ? JSON.parse(hop.body) : undefined };
  }
}

/**
 * Tokens as a command-line client gets them: the authorization code + PKCE flow at the issuer, the
 * person signing in on its page, the code exchanged by the client itself (openid-client).
 */
export async function codeFlowTokens(o: { issuer: string; clientId: string; redirectUri: string; username: string; password: string }) {
  const config = await oc.discovery(new URL(o.issuer), o.clientId, undefined, oc.None(), { execute: [oc.allowInsecureRequests] });
  const codeVerifier = oc.randomPKCECodeVerifier();
  const [state, nonce] = [oc.randomState(), oc.randomNonce()];
  const start = oc.buildAuthorizationUrl(config, {
    redirect_uri: o.redirectUri,
    scope: 'openid profile email programs',
    code_challenge: await oc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const browser = new Browser();
  const back = await browser.submitLogin(await browser.follow(start.href), o.username, o.password, o.redirectUri);
  if (!back.location?.startsWith(o.redirectUri)) throw new Error(`the issuer did not redirect back: ${back.status} ${back.body}`);
  const tokens = await oc.authorizationCodeGrant(config, new URL(back.location), {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return { accessToken: tokens.access_token, idToken: tokens.id_token! };
}
