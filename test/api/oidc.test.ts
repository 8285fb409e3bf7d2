import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createApp, type AppConfig } from '../../api/app';
import { cookieOptions } from '../../api/session';
import { freePort } from '../../scripts/services/freePort';
import { startOidcIssuer, type OidcIssuer } from '../../scripts/services/oidcIssuer';
import { tokens } from '../helpers/apiHarness';
import { createTestDatabase } from '../helpers/db';
import { nominationFor } from '../helpers/loyalty';
import { appAuthFor, Browser, codeFlowTokens } from '../helpers/oidcBrowser';
import { startSmtpServer } from '../helpers/smtp';
import { devServerEnv, startWorker, uniqueId, uniqueTaskQueue } from '../helpers/temporal';

const CLIENT_ID = 'portal-test';
const AUDIENCE = 'https://programs.test/api';
const today = new Date().toISOString().slice(0, 10);

describe('API: OpenID Connect sign-in (issue 13)', () => {
  let api: string;
  let issuer: OidcIssuer;
  let close: () => Promise<void>;
  const password = (username: string) => issuer.users.find((u) => u.username === username)!.password;
  const bearer = async (token: string, method = 'GET', path = '/v1/me', body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const signedIn = async (username: string) => {
    const browser = new Browser();
    const landed = await browser.signIn(api, username, password(username));
    expect(landed.location).toBe(`${api}/app`);
    const me = await browser.call(api, 'GET', '/v1/me');
    expect(me.status).toBe(200);
    return { browser, csrf: me.body.csrfToken as string };
  };

  let db: Knex;
  let serve: (port: number, auth: NonNullable<AppConfig['auth']>) => Promise<() => Promise<void>>;

  beforeAll(async () => {
    const [env, database, smtp, port] = await Promise.all([devServerEnv(), createTestDatabase(), startSmtpServer(), freePort()]);
    db = database.db;
    api = `http://localhost:${port}`;
    issuer = await startOidcIssuer({
      port: 0,
      clientId: CLIENT_ID,
      redirectUris: [`${api}/auth/callback`],
      postLogoutRedirectUris: [`${api}/app`],
      audience: AUDIENCE,
    });
    const taskQueue = uniqueTaskQueue();
    const worker = await startWorker(env, { db, smtpUrl: smtp.url, taskQueue });
    serve = async (at, auth) => {
      const config = { tokens, taskQueue, termsVersion: 'T1', auth };
      const app = createApp({ temporal: env.client, db, logger: pino({ level: 'silent' }), today: () => today, config });
      const server: Server = app.listen(at);
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      return () => new Promise<void>((resolve) => server.close(() => resolve()));
    };
    const stopApi = await serve(port, appAuthFor({ issuer: issuer.issuer, publicUrl: api, clientId: CLIENT_ID, audience: AUDIENCE }));
    close = async () => {
      await stopApi();
      await issuer.stop();
      await worker.stop();
      await env.teardown();
      await smtp.close();
      await database.drop();
    };
  });
  afterAll(async () => close?.());

  it("ALL-3: a captain signs in on the issuer's page (code + PKCE); the session cookie is HttpOnly, SameSite=Lax, and /v1/me names them", async () => {
    const browser = new Browser();
    const toIssuer = await browser.fetch(`${api}/auth/login?returnTo=${encodeURIComponent('/app/accounts/ACME?tab=lots')}`);
    expect(toIssuer.status).toBe(303);
    const authorize = new URL(toIssuer.location!);
    expect(authorize.origin).toBe(issuer.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${api}/auth/callback`);
    expect(toIssuer.setCookies[0]).toMatch(/^cp_login=.+HttpOnly; SameSite=Lax$/);

    const page = await browser.follow(toIssuer.location!);
    expect(page.body).toContain('<label for="username">Username</label>');
    expect(page.body).toContain('<label for="password">Password</label>');
    expect(page.body).toContain('<button type="submit">Sign in</button>');
    const refused = await browser.submitLogin(page, 'captain', 'not-the-password');
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('Wrong username or password');

    const landed = await browser.submitLogin(refused, 'captain', password('captain'), `${api}/app`);
    expect(landed.location).toBe(`${api}/app/accounts/ACME?tab=lots`);
    const callback = browser.hops.find((h) => h.url.startsWith(`${api}/auth/callback`))!;
    const sessionCookie = callback.setCookies.find((c) => c.startsWith('cp_session='))!;
    expect(sessionCookie).toMatch(/; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    expect(sessionCookie).not.toMatch(/Secure/); // localhost: plain http; Secure everywhere else
    expect(cookieOptions('https://programs.example.com', 1000)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'lax' });

    const me = await browser.call(api, 'GET', '/v1/me');
    expect(me.status).toBe(200);
    // Signing in again (as someone else, here) ends the session this browser had.
    const first = browser.jar.get('cp_session')!;
    const asCaptain2 = new Browser();
    asCaptain2.jar.set('cp_session', first);
    await asCaptain2.signIn(api, 'captain2', password('captain2'));
    expect((await asCaptain2.call(api, 'GET', '/v1/me')).body).toMatchObject({ ccoId: 'mchan' });
    expect((await browser.call(api, 'GET', '/v1/me')).status).toBe(401);
    // Still signed in at the issuer: back without the form (single sign-on), in a new session.
    expect((await browser.follow(`${api}/auth/login`, {}, `${api}/app`)).location).toBe(`${api}/app`);
    expect(await browser.call(api, 'GET', '/v1/me')).toMatchObject({ status: 200, body: { ccoId: 'dlee' } });
    expect(me.body).toEqual({
      role: 'team-captain',
      name: 'Dana Lee',
      email: 'dlee@acme.example',
      ccoId: 'dlee',
      csrfToken: expect.any(String),
    });
    expect(me.body.csrfToken.length).toBeGreaterThanOrEqual(32);
    expect((await new Browser().call(api, 'GET', '/v1/me')).status).toBe(401);
  });

  it('returnTo: only a path under /app on this origin; anything else lands on /app', async () => {
    // Started at 127.0.0.1 while PUBLIC_URL says localhost: sign-in restarts at PUBLIC_URL's name.
    const other = await new Browser().fetch(`${api.replace('localhost', '127.0.0.1')}/auth/login?returnTo=%2Fapp%2Fx`);
    expect(other.location).toBe(`${api}/auth/login?returnTo=%2Fapp%2Fx`);
    for (const returnTo of [
      'https://evil.example/app',
      '//evil.example/app',
      'javascript:alert(1)//app',
      '/v1/accounts',
      '/\t/evil.example/app',
      '/app/../v1/me',
    ]) {
      const browser = new Browser();
      const landed = await browser.signIn(api, 'ops', password('ops'), returnTo);
      expect(landed.location, returnTo).toBe(`${api}/app`);
    }
    // An email's absolute link to the portal is this origin: kept.
    const fromEmail = await new Browser().signIn(api, 'ops', password('ops'), `${api}/app/ops/extension-requests?page=2`);
    expect(fromEmail.location).toBe(`${api}/app/ops/extension-requests?page=2`);
  });

  it('ALL-3: a JWT from the issuer is accepted with its holder; expired, wrong-issuer and wrong-audience tokens are 401', async () => {
    const cli = { issuer: issuer.issuer, clientId: CLIENT_ID, redirectUri: `${api}/auth/callback` };
    const partner = await codeFlowTokens({ ...cli, username: 'partner', password: password('partner') });
    const asPartner = await bearer(partner.accessToken);
    expect(asPartner).toEqual({
      status: 200,
      body: { role: 'partner', name: 'Pat Partner', email: 'pat@partner-p1.example', partnerId: 'P-1', csrfToken: '' },
    });
    // A bearer caller needs no CSRF token; the holder's role still decides (ALL-3).
    expect((await bearer(partner.accessToken, 'POST', '/v1/nominations', nominationFor(today, { group: uniqueId('JWT') }))).status).toBe(
      403,
    );

    // An access token as the issuer makes them: for our client (RFC 9068 client_id), no scope claim.
    const claims = { sub: 'captain', role: 'team-captain', cco_id: 'dlee', name: 'Dana Lee', client_id: CLIENT_ID };
    const now = Math.floor(Date.now() / 1000);
    expect((await bearer(await issuer.mint(claims, { expiresAt: now + 600 }))).status).toBe(200);
    expect((await bearer(await issuer.mint({ ...claims, azp: CLIENT_ID, scope: 'openid api' }, { expiresAt: now + 600 }))).status).toBe(
      200,
    );
    expect((await bearer(await issuer.mint(claims, { expiresAt: now - 60 }))).status).toBe(401);
    expect((await bearer(await issuer.mint(claims, { expiresAt: now + 600, audience: 'https://other.example/api' }))).status).toBe(401);
    expect((await bearer(await issuer.mint(claims, { expiresAt: now + 600, issuer: 'https://other-issuer.example' }))).status).toBe(401);
    // The ID token is signed by the same issuer but meant for the portal client, not the API.
    expect((await bearer(partner.idToken)).status).toBe(401);
    expect((await bearer('not.a.jwt')).status).toBe(401);

    const other = await startOidcIssuer({ port: 0, clientId: CLIENT_ID, redirectUris: cli.redirectUri.split(' '), audience: AUDIENCE });
    try {
      const foreign = await codeFlowTokens({
        ...cli,
        issuer: other.issuer,
        username: 'ops',
        password: other.users.find((u) => u.username === 'ops')!.password,
      });
      expect((await bearer(foreign.accessToken)).status).toBe(401);
    } finally {
      await other.stop();
    }
    // Machine callers keep their static tokens.
    expect((await bearer('tok-ops-0000')).body).toEqual({ role: 'ops', name: 'ops-test', csrfToken: '' });
  });

  it("issue 24: a JWT whose scopes leave out the API's (openid only) or given to another client or none (azp, client_id) is 401", async () => {
    const claims = { sub: 'captain', role: 'team-captain', cco_id: 'dlee', name: 'Dana Lee', client_id: CLIENT_ID };
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    const { client_id: _client, ...noClient } = claims;
    for (const refused of [
      { ...claims, scope: 'openid' },
      { ...claims, scope: 'openid profile email programs' },
      noClient,
      { ...claims, azp: 'another-client' },
      { ...claims, client_id: 'another-client' },
      { ...noClient, azp: 'another-client', scope: 'api' },
    ])
      expect((await bearer(await issuer.mint(refused, { expiresAt }))).status, JSON.stringify(refused)).toBe(401);
  });

  it('CSRF: with the session cookie a change needs X-CSRF-Token from /v1/me (403 without or wrong); reads need none', async () => {
    const { browser, csrf } = await signedIn('am');
    const nomination = () => nominationFor(today, { group: uniqueId('CSRF') });
    expect((await browser.call(api, 'POST', '/v1/nominations', { body: nomination() })).status).toBe(403);
    expect((await browser.call(api, 'POST', '/v1/nominations', { body: nomination(), csrf: `${csrf}x` })).status).toBe(403);
    const created = await browser.call(api, 'POST', '/v1/nominations', { body: nomination(), csrf });
    expect(created.status).toBe(201);
    expect((await browser.call(api, 'GET', `/v1/accounts/${created.body.accountId}`)).status).toBe(200);
    // Another person's CSRF token does not pass with this cookie.
    const ops = await signedIn('ops');
    expect((await browser.call(api, 'POST', '/v1/nominations', { body: nomination(), csrf: ops.csrf })).status).toBe(403);
  });

  it("logout ends the session and the issuer's: the cookie no longer works and the next sign-in asks for the password", async () => {
    const { browser, csrf } = await signedIn('ops');
    const cookie = browser.jar.get('cp_session')!;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await browser.fetch(`${api}/auth/logout`, { method: 'POST', headers: form, body: 'csrfToken=wrong' })).status).toBe(403);
    const out = await browser.fetch(`${api}/auth/logout`, { method: 'POST', headers: form, body: `csrfToken=${csrf}` });
    expect(out.status).toBe(303);
    expect(out.location).toMatch(new RegExp(`^${issuer.issuer}/session/end\\?`));
    // The portal's CSP lets this form's redirect reach the issuer (form-action).
    expect(out.headers?.['content-security-policy']).toContain(`form-action 'self' ${issuer.issuer};`);
    expect(browser.jar.has('cp_session')).toBe(false);
    // The issuer's sign-out page confirms by itself; the form it posts, posted here, ends on /app.
    const confirm = await browser.follow(out.location!);
    const action = /action="([^"]+)"/.exec(confirm.body)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)![1]!;
    const home = await browser.fetch(new URL(action, issuer.issuer).href, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    expect(home.location).toBe(`${api}/app`);

    browser.jar.set('cp_session', cookie); // the old cookie, replayed
    expect((await browser.call(api, 'GET', '/v1/me')).status).toBe(401);
    browser.jar.delete('cp_session');
    const again = await browser.follow(`${api}/auth/login`);
    expect(again.body).toContain('<label for="password">Password</label>');
  });

  it('LOY-8, ALL-3: a replaced captain loses access at once and the new one has it at once (ownership checked on every request)', async () => {
    const am = await signedIn('am');
    const dlee = await signedIn('captain');
    const mchan = await signedIn('captain2');
    const created = await am.browser.call(api, 'POST', '/v1/nominations', {
      body: nominationFor(today, { group: uniqueId('LOY8'), ccoId: 'dlee' }),
      csrf: am.csrf,
    });
    expect(created.status).toBe(201);
    const id = created.body.accountId as string;
    expect((await dlee.browser.call(api, 'GET', `/v1/accounts/${id}`)).status).toBe(200);
    expect((await mchan.browser.call(api, 'GET', `/v1/accounts/${id}`)).status).toBe(404);

    const replaced = await am.browser.call(api, 'PUT', `/v1/accounts/${id}/team-captain`, {
      body: { name: 'Morgan Chan', email: 'mchan@acme.example', ccoId: 'mchan' },
      csrf: am.csrf,
    });
    expect(replaced.status).toBe(200);
    // The same sessions, the very next requests.
    expect((await dlee.browser.call(api, 'GET', `/v1/accounts/${id}`)).status).toBe(404);
    expect(
      (await dlee.browser.call(api, 'POST', `/v1/accounts/${id}/terms-acceptance`, { body: { version: 'T1' }, csrf: dlee.csrf })).status,
    ).toBe(404);
    expect((await mchan.browser.call(api, 'GET', `/v1/accounts/${id}`)).status).toBe(200);
    const accepted = await mchan.browser.call(api, 'POST', `/v1/accounts/${id}/terms-acceptance`, {
      body: { version: 'T1' },
      csrf: mchan.csrf,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'enrolled', termsAccepted: { version: 'T1', acceptedBy: 'mchan' } });
  });

  it('a session past its hours is over: 401, as if never signed in', async () => {
    const { browser } = await signedIn('partner');
    expect((await browser.call(api, 'GET', '/v1/me')).status).toBe(200);
    await db('sessions').update({ expires_at: new Date(Date.now() - 1000) });
    expect((await browser.call(api, 'GET', '/v1/me')).status).toBe(401);
  });

  it('a confidential client (OIDC_CLIENT_SECRET) signs in the same way', async () => {
    const port = await freePort();
    const site = `http://localhost:${port}`;
    const secret = randomBytes(24).toString('base64url');
    const own = await startOidcIssuer({
      port: 0,
      clientId: CLIENT_ID,
      clientSecret: secret,
      redirectUris: [`${site}/auth/callback`],
      audience: AUDIENCE,
    });
    const stop = await serve(
      port,
      appAuthFor({ issuer: own.issuer, publicUrl: site, clientId: CLIENT_ID, audience: AUDIENCE, clientSecret: secret }),
    );
    try {
      const browser = new Browser();
      const landed = await browser.signIn(site, 'am', own.users.find((u) => u.username === 'am')!.password);
      expect(landed.location).toBe(`${site}/app`);
      expect((await browser.call(site, 'GET', '/v1/me')).body).toMatchObject({ role: 'account-manager', name: 'Avery Stone' });
    } finally {
      await stop();
      await own.stop();
    }
  });
});
