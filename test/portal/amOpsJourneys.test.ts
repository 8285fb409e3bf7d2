import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priorFiscalYears } from '../../domain/calendar';
import { loyaltyAccount } from '../../workflows/loyalty';
import { defaultLoyaltySettings, loyaltySearchAttributes as sa, loyaltyWorkflowId } from '../../workflows/loyaltyDefinitions';
import { nominationFor } from '../helpers/loyalty';
import { PUBLIC_URL, uniqueId } from '../helpers/temporal';
import { expectAccessible, FIXTURE_TOKENS, portalHarness, type PortalHarness } from './harness';

const today = new Date().toISOString().slice(0, 10);
const WAIT = { timeout: 30_000 };

// The Account Manager's and ops' own jobs in Chromium on the real stack; fixtures a person would not make
// in the portal (an account nominated before its latest year's bookings were known, a certification a year
// old) are started on Temporal directly or made through the API with machine tokens.
describe('Portal journeys: the Account Manager records bookings', () => {
  let h: PortalHarness;
  const call = (token: string, method: string, path: string, body?: unknown) => h.api.call(method, path, { token, body });
  const facts = (page: Page) => page.locator('.facts').textContent();

  beforeAll(async () => {
    h = await portalHarness();
  });
  afterAll(async () => h?.close());

  /** An account nominated without its latest fiscal year's bookings: the API would refuse it (LOY-1), the workflow takes it. */
  async function accountMissingLatestYear(accountId: string) {
    const latest = priorFiscalYears(today).at(-1)!;
    const nomination = nominationFor(today, { group: accountId });
    nomination.bookings = nomination.bookings.filter((b) => b.fiscalYear !== latest);
    const input = { accountId, nomination, nominatedBy: 'am-1', nominatedOn: today, termsVersion: 'T1', settings: defaultLoyaltySettings };
    await h.env.client.workflow.start(loyaltyAccount, {
      workflowId: loyaltyWorkflowId(accountId),
      taskQueue: h.taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: sa.AccountId, value: accountId },
        { key: sa.LoyaltyState, value: 'nominated' },
      ],
    });
    await expect.poll(async () => (await call(FIXTURE_TOKENS.ops, 'GET', `/v1/accounts/${accountId}`)).status, WAIT).toBe(200);
    return latest;
  }

  it('LOY-11, LOY-6: the AM opens the "bookings missing" email link, sees the year asked for, records it; the tier is set', async () => {
    const accountId = uniqueId('BOOK');
    const latest = await accountMissingLatestYear(accountId);
    const accepted = await call(FIXTURE_TOKENS.captain, 'POST', `/v1/accounts/${accountId}/terms-acceptance`, { version: 'T1' });
    expect(accepted.body).toMatchObject({ state: 'enrolled', tier: null, missingBookings: [latest] });
    // ALL-3: the signed-in AM (am-1) manages the account.
    expect((await call(FIXTURE_TOKENS.ops, 'PUT', `/v1/accounts/${accountId}/account-manager`, { amId: 'am-1' })).status).toBe(200);

    const mail = await h.smtp.waitFor((m) => m.subject.includes('bookings are needed') && m.subject.startsWith(`${accountId} `), 30_000);
    expect(mail.text).toContain(`${PUBLIC_URL}/app/accounts/${accountId}`);
    const page = await h.newPage();
    await page.goto(`${h.api.base}/app/accounts/${accountId}`);
    await page.getByRole('link', { name: 'Sign in with your company account' }).click();
    await h.signInHere(page, 'am');
    expect(page.url()).toBe(`${h.api.base}/app/accounts/${accountId}`);
    await expect.poll(() => facts(page), WAIT).toContain(`Bookings missingFY${latest}`);
    const form = page.getByRole('form', { name: 'Record the bookings' });
    expect(await form.getByLabel('Fiscal year').inputValue()).toBe(String(latest));
    await expectAccessible(page);

    // Nothing entered is not $0 (LOY-11): each empty amount is refused at its field, both at once.
    await form.getByRole('button', { name: 'Record bookings' }).click();
    await expect.poll(() => form.getByRole('alert').textContent(), WAIT).toContain('2 things to fix');
    expect(await page.locator('#field-directUsd-error').textContent()).toContain('number');
    expect(await page.locator('#field-indirectUsd-error').textContent()).toContain('number');
    await expectAccessible(page);

    await form.getByLabel('Direct bookings (USD)', { exact: true }).fill('2400000');
    await form.getByLabel('Indirect bookings (USD)', { exact: true }).fill('600000');
    await form.getByRole('button', { name: 'Record bookings' }).click();
    await expect.poll(() => form.getByRole('status').textContent(), WAIT).toBe(`FY${latest} bookings recorded.`);
    // The workflow re-tiers after the update answers.
    const read = async () => (await call(FIXTURE_TOKENS.ops, 'GET', `/v1/accounts/${accountId}`)).body;
    await expect.poll(async () => (await read()).missingBookings, WAIT).toEqual([]);
    const after = await read();
    expect(after.tier).toBeTypeOf('number');
    expect(after.bookings).toContainEqual({ fiscalYear: latest, directUsd: 2_400_000, indirectUsd: 600_000 });
    await expect.poll(() => facts(page), WAIT).toContain('Bookings missingnone');
    expect(await facts(page)).toContain(`Tier${after.tier}`);

    // The AM's accounts with state, tier and next award.
    await page.goto(`${h.api.base}/app`);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: accountId }) });
    await expect.poll(() => row.textContent(), WAIT).toContain(`enrolled${after.tier}${after.nextAwardDate}`);
    await expectAccessible(page);
  });
});
