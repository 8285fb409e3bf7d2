// The portal's journeys on the real stack: the API in-process (serving /app from portal/dist, built in
// global setup) on the dev server with a real worker, Postgres and SMTP, the development OIDC issuer
// (oidc-provider) people sign in at, and Debian's Chromium driving it all.
import AxeBuilder from '@axe-core/playwright';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { freePort } from '../../scripts/services/freePort';
import { startOidcIssuer } from '../../scripts/services/oidcIssuer';
import { startApi } from '../helpers/apiHarness';
import { createTestDatabase } from '../helpers/db';
import { startSmtpServer } from '../helpers/smtp';
import { devServerEnv, startWorker, uniqueTaskQueue } from '../helpers/temporal';
import { launchChromium } from './browser';

export const TEMPORAL_UI = 'http://temporal-ui.test:8233';
const CLIENT_ID = 'portal-journeys';
const AUDIENCE = 'https://programs.test/api';

/** Who signs in as whom: the issuer's seeded users (scripts/services/oidcIssuer.ts). */
export const USERS = { captain: 'captain', otherCaptain: 'captain2', partner: 'partner', am: 'am', ops: 'ops' } as const;
export type Who = keyof typeof USERS;
/** Machine callers for fixtures a person would not make in the portal (static API tokens, test/helpers/apiHarness.ts). */
export const FIXTURE_TOKENS = { am: 'tok-account-manager', ops: 'tok-ops-0000', captain: 'tok-captain-dlee' } as const;

async function startStack() {
  const [env, database, smtp, port] = await Promise.all([devServerEnv(), createTestDatabase(), startSmtpServer(), freePort()]);
  // `localhost`, as people use it: the session cookie is Secure everywhere else.
  const publicUrl = `http://localhost:${port}`;
  const issuer = await startOidcIssuer({
    port: 0,
    clientId: CLIENT_ID,
    redirectUris: [`${publicUrl}/auth/callback`],
    postLogoutRedirectUris: [`${publicUrl}/app`],
    audience: AUDIENCE,
  });
  const taskQueue = uniqueTaskQueue();
  const worker = await startWorker(env, { db: database.db, smtpUrl: smtp.url, taskQueue });
  const auth = { issuer: issuer.issuer, clientId: CLIENT_ID, audience: AUDIENCE, scopes: 'openid profile email programs', publicUrl };
  const api = await startApi({
    temporal: env.client,
    db: database.db,
    taskQueue,
    port,
    config: {
      temporalUiUrl: TEMPORAL_UI,
      temporalNamespace: env.namespace ?? 'default',
      auth: { ...auth, sessionSecret: randomBytes(32).toString('base64url') },
    },
  });
  return { env, database, smtp, issuer, worker, api, taskQueue, publicUrl };
}

export async function portalHarness() {
  const [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  const { env, database, smtp, issuer, worker, api, taskQueue, publicUrl } = stack;
  const password = (who: Who) => issuer.users.find((u) => u.username === USERS[who])!.password;
  return {
    env,
    db: database.db,
    smtp,
    api: { ...api, base: publicUrl },
    taskQueue,
    browser,
    /** A fresh browser (no cookies) at `phone` or desktop size. */
    async newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
      return (await browser.newContext({ viewport })).newPage();
    },
    /** Signs in on the issuer's own login page, from wherever the portal sent the person. */
    async signInHere(page: Page, who: Who): Promise<void> {
      await page.getByLabel('Username').fill(USERS[who]);
      await page.getByLabel('Password').fill(password(who));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${publicUrl}/app**`);
    },
    /** A person signed in through the portal's "Sign in" link, now at `path`. */
    async as(who: Who, path = '/app', viewport?: { width: number; height: number }): Promise<Page> {
      const page = await this.newPage(viewport);
      await page.goto(`${publicUrl}${path}`);
      await page.getByRole('link', { name: 'Sign in with your company account' }).click();
      await this.signInHere(page, who);
      return page;
    },
    async close() {
      for (const c of browser.contexts()) await c.close().catch(() => undefined);
      await browser.close();
      await api.close();
      await issuer.stop();
      await worker.stop();
      await env.teardown();
      await smtp.close();
      await database.drop();
    },
  };
}
export type PortalHarness = Awaited<ReturnType<typeof portalHarness>>;

/** ALL: axe finds no serious or critical violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}
