import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addYears, priorFiscalYears } from '../../domain/calendar';
import { buildStatements } from '../../db/creditsStatements';
import { certificationWorkflowId } from '../../workflows/certificationDefinitions';
import { certification } from '../../workflows/certification';
import { loyaltyAccount } from '../../workflows/loyalty';
import { defaultLoyaltySettings, loyaltySearchAttributes as sa, loyaltyWorkflowId } from '../../workflows/loyaltyDefinitions';
import { fullRequirements } from '../helpers/certification';
import { nominationFor } from '../helpers/loyalty';
import { PUBLIC_URL, uniqueId } from '../helpers/temporal';
import { expectAccessible, FIXTURE_TOKENS, portalHarness, type PortalHarness } from './harness';

const today = new Date().toISOString().slice(0, 10);
const WAIT = { timeout: 30_000 };
const PARTNER_TOKEN = 'tok-partner-p1';

// The Account Manager's and ops' own jobs in Chromium on the real stack; fixtures a person would not make
// in the portal (an account nominated before its latest year's bookings were known, a certification a year
// old) are started on Temporal directly or made through the API with machine tokens.
describe("Portal journeys: the AM records bookings, ops decide certifications, the captain's settings and statements", () => {
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

  /** A certification of partner P-1 approved 100 days ago, as its workflow carries it (not in Re-Cert). */
  async function approvedCertification(country: string) {
    const partnerId = 'P-1';
    const id = `${partnerId}-${country}`;
    const certifiedOn = addDays(today, -100);
    const anniversary = addYears(certifiedOn, 1);
    const partnerEmail = 'p1@partner.example';
    const carried = {
      ...{ id, partnerId, country, partnerEmail, state: 'approved' as const, requirements: fullRequirements(), certifiedOn, anniversary },
      ...{ done: [], csatResponses: [], lowScoreFollowUpDone: false, measurements: [], nonCompliance: null },
    };
    await h.env.client.workflow.start(certification, {
      workflowId: certificationWorkflowId(id),
      taskQueue: h.taskQueue,
      args: [{ id, partnerId, country, partnerEmail, requirements: carried.requirements, carried }],
    });
    await h.db('certifications').insert({ id, partner_id: partnerId, country, state: 'approved', certified_on: certifiedOn, anniversary });
    return id;
  }

  it('CERT-5, CERT-4: ops grant an extension (a past date refused at its field), cannot revoke while it runs, confirm compliance, then revoke', async () => {
    expect(
      (await call(FIXTURE_TOKENS.ops, 'POST', '/v1/partners', { id: 'P-1', name: 'P One Ltd', email: 'p1@partner.example' })).status,
    ).toBe(201);
    const id = await approvedCertification('US');
    const notice = { reason: 'Our 8x5 support contract ended', awareOn: addDays(today, -3) };
    expect((await call(PARTNER_TOKEN, 'POST', `/v1/certifications/${id}/non-compliance-notices`, notice)).status).toBe(200);

    const page = await h.as('ops', `/app/certifications/${id}`);
    await expect.poll(() => facts(page), WAIT).toContain('Non-complianceOur 8x5 support contract ended');
    await expectAccessible(page);
    const csat = page.getByRole('form', { name: 'Record CSAT responses' });
    await csat.getByLabel('Responses').fill('12');
    await csat.getByLabel('Received on').fill(addDays(today, 1));
    await csat.getByRole('button', { name: 'Record responses' }).click();
    await expect.poll(() => page.locator('#field-receivedOn-error').textContent(), WAIT).toBe(`must not be after today (${today})`);
    await expectAccessible(page);
    // CERT-4: responses count on the day they were received, entered later.
    await csat.getByLabel('Received on').fill(addDays(today, -5));
    await csat.getByRole('button', { name: 'Record responses' }).click();
    await expect.poll(() => facts(page), WAIT).toContain(`CSAT responses${addDays(today, -5)}: 12`);

    const extension = page.getByRole('form', { name: 'Compliance extension' });
    await extension.getByLabel('Extension until').fill(addDays(today, -1));
    await extension.getByRole('button', { name: 'Grant extension' }).click();
    await expect.poll(() => page.locator('#field-until-error').textContent(), WAIT).toBe('must be after today');
    await expectAccessible(page);
    const until = addDays(today, 30);
    await extension.getByLabel('Extension until').fill(until);
    await extension.getByRole('button', { name: 'Grant extension' }).click();
    await expect.poll(() => facts(page), WAIT).toContain(`Extension until${until}`);

    const revoke = page.getByRole('form', { name: 'Revoke' });
    await revoke.getByLabel('Reason for revocation').fill('Support contract not renewed');
    await revoke.getByRole('button', { name: 'Revoke certification' }).click();
    await expect.poll(() => revoke.getByRole('alert').textContent(), WAIT).toContain(`the compliance extension runs until ${until}`);
    await extension.getByRole('button', { name: 'Mark compliant' }).click();
    await expect.poll(() => facts(page), WAIT).toContain('Non-compliancenone');
    await revoke.getByRole('button', { name: 'Revoke certification' }).click();
    await expect.poll(() => facts(page), WAIT).toContain('Staterevoked');
    await expectAccessible(page);
    expect((await call(FIXTURE_TOKENS.ops, 'GET', `/v1/certifications/${id}`)).body.state).toBe('revoked');
  });

  it('CERT-1: ops approve one application and refuse another on its page', async () => {
    const applied = [];
    for (const country of ['DE', 'FR']) {
      const res = await call(PARTNER_TOKEN, 'POST', '/v1/certifications', { country, requirements: fullRequirements() });
      expect(res.status).toBe(201);
      applied.push(res.body.certificationId as string);
    }
    const [approveId, refuseId] = applied as [string, string];
    const page = await h.as('ops', `/app/certifications/${approveId}`);
    const decide = page.getByRole('form', { name: 'Decide the application' });
    await decide.getByRole('button', { name: 'Approve' }).waitFor(WAIT);
    await expectAccessible(page);
    await decide.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => facts(page), WAIT).toContain('Stateapproved');
    await page.goto(`${h.api.base}/app/certifications/${refuseId}`);
    await page.getByRole('form', { name: 'Decide the application' }).getByRole('button', { name: 'Refuse' }).click();
    await expect.poll(() => facts(page), WAIT).toContain('Staterefused');
    expect((await call(FIXTURE_TOKENS.ops, 'GET', `/v1/certifications/${approveId}`)).body.state).toBe('approved');
    expect((await call(FIXTURE_TOKENS.ops, 'GET', `/v1/certifications/${refuseId}`)).body.state).toBe('refused');
  });

  it("CLC-6, CLC-8: the captain turns auto-approval on and off, opens this month's statement from the list, its CSV as shown", async () => {
    const accountId = uniqueId('STMT');
    expect((await call(FIXTURE_TOKENS.am, 'POST', '/v1/nominations', nominationFor(today, { group: accountId }))).status).toBe(201);
    expect((await call(FIXTURE_TOKENS.captain, 'POST', `/v1/accounts/${accountId}/terms-acceptance`, { version: 'T1' })).status).toBe(200);
    const purchase = { accountId, country: 'US', invoiceDate: today, packages: [{ size: 100, quantity: 1 }] };
    expect((await call(FIXTURE_TOKENS.am, 'POST', '/v1/purchases', purchase)).status).toBe(201);
    const page = await h.as('captain', `/app/accounts/${accountId}`);
    const auto = page.getByRole('region', { name: 'Auto-approval' });
    await auto.getByRole('button', { name: 'Turn auto-approval on' }).click();
    await expect.poll(() => auto.textContent(), WAIT).toContain('Redemptions are approved at once.');
    expect((await call(FIXTURE_TOKENS.ops, 'GET', `/v1/accounts/${accountId}`)).body.autoApproval).toBe(true);
    await auto.getByRole('button', { name: 'Turn auto-approval off' }).click();
    await expect.poll(() => auto.textContent(), WAIT).toContain('Redemptions are held for your decision.');
    expect((await call(FIXTURE_TOKENS.ops, 'GET', `/v1/accounts/${accountId}`)).body.autoApproval).toBe(false);
    await expectAccessible(page);

    // CLC-8: the month's statements are built at its end; this one is built now, as the schedule would.
    const month = today.slice(0, 7);
    expect(await buildStatements(h.db, month)).toBeGreaterThan(0);
    // ALL-3: another account's captain cannot list them.
    expect((await call('tok-captain-other', 'GET', `/v1/accounts/${accountId}/statements`)).status).toBe(404);
    await page.reload();
    const lotId = (await call(FIXTURE_TOKENS.ops, 'GET', `/v1/accounts/${accountId}/lots`)).body.lots[0].id as string;
    await page
      .getByRole('region', { name: 'Monthly statements' })
      .getByRole('link', { name: `Statement ${month}` })
      .click();
    await page.getByRole('heading', { name: `Statement ${month} for ${accountId}` }).waitFor(WAIT);
    await expect.poll(() => page.getByRole('table').textContent(), WAIT).toContain(lotId);
    expect(await facts(page)).toContain('Closing balance100');
    await expectAccessible(page);
    const href = (await page.getByRole('link', { name: 'Download as CSV' }).getAttribute('href'))!;
    const csv = decodeURIComponent(href.replace('data:text/csv;charset=utf-8,', '')).split('\n');
    expect(csv[0]).toBe('on,lotId,kind,credits,reason,late'); // CLC-8: a late entry is marked in its own column
    expect(csv.some((line) => line.includes(lotId) && line.includes(',100,'))).toBe(true);
  });
});
