// The portal's journeys on the real stack: the API in-process (serving /app from portal/dist, built in
// global setup) on the dev server with a real worker, Postgres and SMTP, and Debian's Chromium driving it.
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { startApi, type tokens } from '../helpers/apiHarness';
import { createTestDatabase } from '../helpers/db';
import { startSmtpServer } from '../helpers/smtp';
import { devServerEnv, startWorker, uniqueTaskQueue } from '../helpers/temporal';
import { launchChromium } from './browser';

export const TEMPORAL_UI = 'http://temporal-ui.test:8233';
export const ROLE_TOKENS = {
  captain: 'tok-captain-dlee',
  otherCaptain: 'tok-captain-other',
  partner: 'tok-partner-p1',
  am: 'tok-account-manager',
  ops: 'tok-ops-0000',
} as const satisfies Record<string, keyof typeof tokens>;
export type Who = keyof typeof ROLE_TOKENS;

export async function portalHarness() {
  const [env, database, smtp, browser] = await Promise.all([devServerEnv(), createTestDatabase(), startSmtpServer(), launchChromium()]);
  const taskQueue = uniqueTaskQueue();
  const worker = await startWorker(env, { db: database.db, smtpUrl: smtp.url, taskQueue });
  const api = await startApi({
    temporal: env.client,
    db: database.db,
    taskQueue,
    config: { temporalUiUrl: TEMPORAL_UI, temporalNamespace: env.namespace ?? 'default' },
  });
  const contexts: BrowserContext[] = [];
  return {
    env,
    db: database.db,
    smtp,
    api,
    taskQueue,
    browser: browser as Browser,
    /** A signed-in person's browser tab: until sign-in is merged, the bearer token rides on every request. */
    async as(who: Who, viewport = { width: 1280, height: 900 }): Promise<Page> {
      const context = await browser.newContext({ viewport, extraHTTPHeaders: { authorization: `Bearer ${ROLE_TOKENS[who]}` } });
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await api.close();
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
