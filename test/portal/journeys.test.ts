import { defaultPayloadConverter } from '@temporalio/common';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, addYears } from '../../domain/calendar';
import { certificationWorkflowId } from '../../workflows/certificationDefinitions';
import { certification } from '../../workflows/certification';
import { loyaltyWorkflowId } from '../../workflows/loyaltyDefinitions';
import { fullRequirements } from '../helpers/certification';
import { nominationFor } from '../helpers/loyalty';
import type { ReceivedMail } from '../helpers/smtp';
import { PUBLIC_URL, uniqueId } from '../helpers/temporal';
import { expectAccessible, FIXTURE_TOKENS, portalHarness, TEMPORAL_UI, type PortalHarness } from './harness';

// UPDATE_SCREENSHOTS=1 rewrites the README's screenshots in docs/screenshots; otherwise they go to a scratch directory.
const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(__dirname, '..', '..', 'docs', 'screenshots') : join(tmpdir(), 'portal-screenshots');
const today = new Date().toISOString().slice(0, 10);
const WAIT = { timeout: 30_000 };

/** The portal path an email's link leads to (ALL-5: PUBLIC_URL + the contract's path), read from the message as sent. */
function pathFrom(mail: ReceivedMail, path: string): string {
  expect(mail.text).toContain(`${PUBLIC_URL}${path}`);
  return path;
}

// Each journey is a person doing their job in Chromium on the real stack; only fixtures a person would not
// make in the portal (purchases, a certification already a year old) are set up through the API or Temporal.
describe('Portal journeys in a real browser', () => {
  let h: PortalHarness;
  let accountId: string;
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const call = (who: keyof typeof FIXTURE_TOKENS, method: string, path: string, body?: unknown) =>
    h.api.call(method, path, { token: FIXTURE_TOKENS[who], body });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await portalHarness();
    accountId = uniqueId('PORTAL');
    expect((await call('am', 'POST', '/v1/nominations', nominationFor(today, { group: accountId }))).status).toBe(201);
  });
  afterAll(async () => h?.close());

  it('LOY-4, CLC-6, CLC-4: the captain signs in from the email link, accepts the terms, approves one redemption, rejects another, asks for a reissue', async () => {
    const mail = await h.smtp.waitFor((m) => m.subject.includes('terms are waiting'), 30_000);
    const page = await h.newPage();
    await page.goto(`${h.api.base}${pathFrom(mail, `/app/accounts/${accountId}/terms`)}`);
    await expectAccessible(page);
    await shot(page, 'sign-in');
    await page.getByRole('link', { name: 'Sign in with your company account' }).click();
    await page.getByLabel('Username').waitFor(WAIT);
    await expectAccessible(page);
    await h.signInHere(page, 'captain');
    expect(page.url()).toBe(`${h.api.base}/app/accounts/${accountId}/terms`);
    await page.getByRole('button', { name: 'Accept terms version T1' }).waitFor(WAIT);
    await expectAccessible(page);
    await shot(page, 'captain-terms');
    await page.getByRole('button', { name: 'Accept terms version T1' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toContain('Terms T1 accepted');

    // Credits to spend: a recent lot, and one bought 330 days ago, within its reissue window (CLC-4).
    for (const invoiceDate of [addDays(today, -10), addDays(today, -330)]) {
      const body = { accountId, country: 'US', invoiceDate, packages: [{ size: 100, quantity: 1 }] };
      expect((await call('am', 'POST', '/v1/purchases', body)).status).toBe(201);
    }
    const asked = [];
    for (const credits of [20, 30]) {
      const res = await call('ops', 'POST', '/v1/redemptions', {
        accountId,
        kind: 'training',
        credits,
        startsOn: addDays(today, 30),
        paysFor: 'Implementing Cisco SD-WAN Solutions',
        learner: { name: 'Kim Osei', email: 'kim@learners.example' },
      });
      expect(res.body.status).toBe('pending');
      asked.push(res.body.redemptionId as string);
    }
    const [approveId, rejectId] = asked as [string, string];

    await page.goto(`${h.api.base}/app`);
    const waiting = page.getByRole('region', { name: 'Redemptions waiting for you' });
    await expect.poll(() => waiting.getByRole('link').allTextContents(), WAIT).toEqual(asked);
    await expectAccessible(page);
    await shot(page, 'captain-home');

    const waitsMail = await h.smtp.waitFor((m) => m.subject.includes('waits for your approval') && m.text.includes(approveId), 30_000);
    await page.goto(`${h.api.base}${pathFrom(waitsMail, `/app/redemptions/${approveId}`)}`);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toContain('approved');
    await page.goto(`${h.api.base}/app/redemptions/${rejectId}`);
    await expect.poll(() => page.locator('.facts').textContent(), WAIT).toContain('Released on');
    await expectAccessible(page);
    await shot(page, 'captain-redemption');
    await page.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toContain('rejected');
    expect((await call('captain', 'GET', `/v1/redemptions/${approveId}`)).body.status).toBe('approved');
    expect((await call('captain', 'GET', `/v1/redemptions/${rejectId}`)).body.status).toBe('rejected');

    await page.goto(`${h.api.base}/app/accounts/${accountId}`);
    const lots = page.getByRole('region', { name: 'Balance by lot' });
    await lots.getByRole('row').nth(2).waitFor(WAIT);
    await expectAccessible(page);
    await shot(page, 'captain-account');
    const oldest = (await lots.getByRole('link').first().textContent())!;
    await lots.getByRole('link', { name: oldest }).click();
    await page.getByLabel('Usage plan').fill('soon');
    await page.getByRole('button', { name: 'Request reissue' }).click();
    await expect.poll(() => page.locator('#field-usagePlan-error').textContent(), WAIT).toBe('say how the credits will be used');
    await expectAccessible(page);
    await page.getByLabel('Usage plan').fill('Two CCNP boot camps for the new network team in spring');
    await page.getByRole('button', { name: 'Request reissue' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toContain('pending');
  });

  it('CLC-4: ops find the reissue request in the queue, linked to its workflow, and approve it', async () => {
    const page = await h.as('ops', '/app/ops');
    const queue = page.getByRole('region', { name: 'Reissue requests to decide' });
    const history = queue.getByRole('link', { name: /^Workflow credit-lot-/ });
    await history.waitFor(WAIT);
    expect(await history.getAttribute('href')).toMatch(new RegExp(`^${TEMPORAL_UI}/namespaces/default/workflows/credit-lot-LP-`));
    await expectAccessible(page);
    await shot(page, 'ops-queues');
    await page.getByRole('link', { name: 'Reissue requests', exact: true }).click();
    const approve = page.getByRole('button', { name: /^Approve XR-/ });
    await approve.waitFor(WAIT);
    await expectAccessible(page);
    await approve.click();
    const expiry = addMonths(addYears(addDays(today, -330), 1), 6);
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toContain(`approved; lot`);
    expect(await page.getByRole('status').textContent()).toContain(`now expires ${expiry}`);
    await expect.poll(() => page.getByText('No open requests.').count(), WAIT).toBe(1);
  });
});

describe('Portal journeys: partner, Account Manager, and a captain of another account', () => {
  let h: PortalHarness;
  let accountId: string;
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const call = (who: keyof typeof FIXTURE_TOKENS, method: string, path: string, body?: unknown) =>
    h.api.call(method, path, { token: FIXTURE_TOKENS[who], body });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await portalHarness();
    accountId = uniqueId('MINE');
    expect((await call('am', 'POST', '/v1/nominations', nominationFor(today, { group: accountId }))).status).toBe(201);
    expect((await call('captain', 'POST', `/v1/accounts/${accountId}/terms-acceptance`, { version: 'T1' })).status).toBe(200);
    const body = { accountId, country: 'US', invoiceDate: addDays(today, -10), packages: [{ size: 100, quantity: 1 }] };
    expect((await call('am', 'POST', '/v1/purchases', body)).status).toBe(201);
  });
  afterAll(async () => h?.close());

  /** A certification approved a year ago whose anniversary is in 30 days: in Re-Cert now (CERT-2), as its workflow carries it. */
  async function certificationInRecert(partnerId: string) {
    expect((await call('ops', 'POST', '/v1/partners', { id: partnerId, name: 'P One Ltd', email: 'p1@partner.example' })).status).toBe(201);
    const anniversary = addDays(today, 30);
    const id = `${partnerId}-US`;
    const carried = {
      ...{ id, partnerId, country: 'US', partnerEmail: 'p1@partner.example', state: 're-cert' as const, requirements: fullRequirements() },
      ...{
        certifiedOn: addYears(anniversary, -1),
        anniversary,
        done: [],
        csatResponses: [],
        lowScoreFollowUpDone: false,
        measurements: [],
      },
      nonCompliance: null,
    };
    await h.env.client.workflow.start(certification, {
      workflowId: certificationWorkflowId(id),
      taskQueue: h.taskQueue,
      args: [{ id, partnerId, country: 'US', partnerEmail: carried.partnerEmail, requirements: carried.requirements, carried }],
    });
    const row = { id, partner_id: partnerId, country: 'US', state: 're-cert', certified_on: carried.certifiedOn, anniversary };
    await h.db('certifications').insert(row);
    return { id, anniversary };
  }

  it('CERT-3: the partner renews in the window; every unmet requirement shows at its field first', async () => {
    const { id, anniversary } = await certificationInRecert('P-1');
    const page = await h.as('partner');
    await page.getByRole('link', { name: id }).click();
    await page.getByRole('button', { name: 'Renew certification' }).waitFor(WAIT);
    await page.getByLabel('We give pre-sales support').uncheck();
    await page.getByLabel('We accept the program terms').uncheck();
    await page.getByRole('button', { name: 'Renew certification' }).click();
    await expect.poll(() => page.locator('#field-preSalesSupport-error').textContent(), WAIT).toBe('needs pre-sales support');
    expect(await page.locator('#field-termsAccepted-error').textContent()).toBe('the program terms must be accepted');
    expect(await page.getByRole('alert').textContent()).toContain('2 things to fix');
    await expectAccessible(page);
    await shot(page, 'partner-renewal-refused');
    await page.getByLabel('We give pre-sales support').check();
    await page.getByLabel('We accept the program terms').check();
    await page.getByRole('button', { name: 'Renew certification' }).click();
    await expect.poll(() => page.locator('.facts').textContent(), WAIT).toContain(`Anniversary${addYears(anniversary, 1)}`);
    expect(await page.locator('.facts').textContent()).toContain('Stateapproved');
    await page.goto(`${h.api.base}/app`);
    await page.getByRole('link', { name: id }).waitFor(WAIT);
    await expectAccessible(page);
    await shot(page, 'partner-home');
  });

  it('CERT-1: the partner applies in another country; the six unmet requirements show at their fields, then it is applied', async () => {
    const page = await h.as('partner');
    await page.getByRole('link', { name: 'Apply' }).click();
    await page.getByLabel('Country').fill('DE');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain('6 things to fix');
    expect(await page.locator('#field-specializations').textContent()).toContain('needs Express Foundation');
    expect(await page.locator('#field-hybridItService-type-error').textContent()).toBe('must be able to sell one Hybrid IT service');
    expect(await page.locator('#field-resaleAgreement-error').textContent()).toContain('resale agreement');
    await expectAccessible(page);
    await page.getByLabel('express-foundation').check();
    await page.getByLabel('Service type').selectOption('cisco-powered-managed-service');
    for (const label of [
      /end-customer SLA/,
      /marketing or technical description/,
      /resale lifecycle/,
      /resale agreement/,
      /8x5/,
      /pre-sales/,
      /program terms/,
    ])
      await page.getByLabel(label).check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toContain('Application P-1-DE is with ops');
    expect((await call('ops', 'GET', '/v1/certifications/P-1-DE')).body.state).toBe('applied');
  });

  it('LOY-1, LOY-2, LOY-6: the AM nominates with bad fields and blank amounts, sees every reason at its field at once, fixes them; the nomination records the AM', async () => {
    const page = await h.as('am', '/app/nominations/new');
    const group = uniqueId('NEW');
    const fill = async (values: Record<string, string>) => {
      for (const [label, value] of Object.entries(values)) await page.getByLabel(label, { exact: true }).fill(value);
    };
    await fill({ 'Company id': `${group}-1`, 'Company name': 'New Corp', Country: 'ZZ', 'Corporate group id': group });
    await fill({ 'Team Captain name': 'Sam Park', 'Team Captain email': 'sam@new.example', 'Team Captain CCO id': '' });
    const fys = await page.locator('label', { hasText: / direct$/ }).allTextContents();
    const indirect = await page.locator('label', { hasText: / indirect$/ }).allTextContents();
    expect(fys).toHaveLength(3);
    // LOY-6: a blank amount is not $0: each of the six is refused at its own field, and nothing is nominated.
    await page.getByRole('button', { name: 'Nominate' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain('6 things to fix');
    for (const i of [0, 1, 2])
      for (const kind of ['directUsd', 'indirectUsd'])
        expect(await page.locator(`#field-bookings-${i}-${kind}-error`).textContent()).toContain('number');
    expect((await call('ops', 'GET', `/v1/accounts/${group}`)).status).toBe(404);
    await expectAccessible(page);

    for (const label of fys) await fill({ [label]: '100000' });
    for (const label of indirect) await fill({ [label]: '0' });
    await page.getByRole('button', { name: 'Nominate' }).click();
    await expect.poll(() => page.locator('#field-company-country-error').textContent(), WAIT).toContain('ZZ');
    expect(await page.locator('#field-teamCaptain-ccoId-error').textContent()).toBe('a Team Captain with a CCO id must be named');
    expect(await page.locator('#field-bookings').textContent()).toContain('under $1,000,000');
    expect(await page.getByRole('alert').textContent()).toContain('3 things to fix');
    await expectAccessible(page);
    await shot(page, 'am-nomination-refused');
    await fill({ Country: 'US', 'Team Captain CCO id': 'spark' });
    for (const label of fys) await fill({ [label]: '2000000' });
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/v1/nominations'));
    await page.getByRole('button', { name: 'Nominate' }).click();
    // The form itself names the signed-in Account Manager (the API would fill it in too).
    expect((await sent).postDataJSON().accountManager).toEqual({ name: 'Avery Stone', email: 'avery@cisco.example' });
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toContain(`Account ${group} is nominated`);
    expect((await call('ops', 'GET', `/v1/accounts/${group}`)).body.teamCaptain).toEqual({
      name: 'Sam Park',
      email: 'sam@new.example',
      ccoId: 'spark',
    });
    // LOY-6: the signed-in Account Manager is the one a missing year's bookings will be asked of.
    const [started] = (await h.env.client.workflow.getHandle(loyaltyWorkflowId(group)).fetchHistory()).events ?? [];
    const [input] = started!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const recorded = defaultPayloadConverter.fromPayload<{ nomination: Record<string, unknown> }>(input!).nomination;
    expect(recorded.accountManager).toEqual({ name: 'Avery Stone', email: 'avery@cisco.example' });
    expect(recorded.bookings).toEqual(
      fys.map((label) => ({ fiscalYear: Number(label.slice(2, 6)), directUsd: 2_000_000, indirectUsd: 0 })),
    );
    await page.goto(`${h.api.base}/app`);
    await page.getByRole('link', { name: group }).waitFor(WAIT);
    await expectAccessible(page);
  });

  it('ALL-3: a captain of one account sees nothing of another, in the pages and in the API', async () => {
    const page = await h.as('otherCaptain');
    await page.getByText('You are the Team Captain of no account.').waitFor(WAIT);
    expect(await page.getByRole('link', { name: accountId }).count()).toBe(0);
    await page.goto(`${h.api.base}/app/accounts/${accountId}`);
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toBe(`Account ${accountId} not found`);
    expect(await page.locator('main').textContent()).not.toContain('Dana Lee');
    for (const path of [`/v1/accounts/${accountId}`, `/v1/accounts/${accountId}/lots`, `/v1/accounts/${accountId}/balance`])
      expect((await page.request.get(`${h.api.base}${path}`)).status()).toBe(404);
    const mine = await page.request.get(`${h.api.base}/v1/my/redemptions?view=history`);
    expect(((await mine.json()) as { redemptions: unknown[] }).redemptions).toEqual([]);
  });

  // Signed in, then the browser's cache emptied: from navigation start to the captain's accounts listed (the
  // page's data come from two API calls after the bundle runs), read from the browser's own clock.
  it('the first page loads: measured from navigation start to the data on screen, cold cache', async () => {
    const page = await h.as('captain');
    await (await page.context().newCDPSession(page)).send('Network.clearBrowserCache');
    await page.goto(`${h.api.base}/app`);
    await page.getByRole('region', { name: 'My accounts' }).getByRole('link', { name: accountId }).waitFor(WAIT);
    const shown = await page.evaluate<number>('performance.now()');
    const nav = await page.evaluate<{ domContentLoadedEventEnd: number; loadEventEnd: number }>(
      "JSON.parse(JSON.stringify(performance.getEntriesByType('navigation')[0]))",
    );
    const bytes = await page.evaluate<number>("performance.getEntriesByType('resource').reduce((n, r) => n + r.transferSize, 0)");
    console.log(
      `portal first load: DOMContentLoaded ${Math.round(nav.domContentLoadedEventEnd)} ms, load ${Math.round(nav.loadEventEnd)} ms, ` +
        `accounts on screen ${Math.round(shown)} ms after navigation start (${Math.round(bytes / 1024)} KiB of assets and data)`,
    );
    expect(shown).toBeLessThan(10_000);
  });

  it('the portal works at phone width: the captain reads its account on a 375-pixel screen', async () => {
    const page = await h.as('captain', `/app/accounts/${accountId}`, { width: 375, height: 740 });
    await page.getByRole('region', { name: 'Balance by lot' }).getByRole('link').first().waitFor(WAIT);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await expectAccessible(page);
    await shot(page, 'captain-account-phone');
  });

  // Last: it hands the suite's account to another captain.
  it('LOY-8: the AM replaces the Team Captain in the portal; the old one loses the account at once, the new one has it', async () => {
    const before = await h.as('captain');
    await before.getByRole('region', { name: 'My accounts' }).getByRole('link', { name: accountId }).waitFor(WAIT);
    // ALL-3: an Account Manager acts on the accounts it manages; ops hand this one (nominated by a machine token) to `am`.
    expect((await call('ops', 'PUT', `/v1/accounts/${accountId}/account-manager`, { amId: 'am-1' })).status).toBe(200);
    const am = await h.as('am', `/app/accounts/${accountId}`);
    await am.getByLabel('New Team Captain name').fill('Morgan Chan');
    await am.getByLabel('New Team Captain email').fill('mchan@acme.example');
    await am.getByLabel('New Team Captain CCO id').fill('mchan');
    await expectAccessible(am);
    await am.getByRole('button', { name: 'Replace Team Captain' }).click();
    await expect.poll(() => am.getByRole('status').textContent(), WAIT).toBe('Morgan Chan is the Team Captain now.');
    const successor = await h.as('otherCaptain');
    await successor.getByRole('region', { name: 'My accounts' }).getByRole('link', { name: accountId }).click();
    await expect.poll(() => successor.locator('.facts').textContent(), WAIT).toContain('Morgan Chan (mchan)');
    // The old captain's session is still open: its next request is refused.
    await before.reload();
    await before.getByText('You are the Team Captain of no account.').waitFor(WAIT);
    await before.goto(`${h.api.base}/app/accounts/${accountId}`);
    await expect.poll(() => before.getByRole('alert').textContent(), WAIT).toBe(`Account ${accountId} not found`);
  });
});
