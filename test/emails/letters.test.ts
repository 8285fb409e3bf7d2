import { describe, expect, it } from 'vitest';
import * as certification from '../../emails/certification';
import * as credits from '../../emails/credits';
import * as incentives from '../../emails/incentives';
import * as loyalty from '../../emails/loyalty';
import type { Email } from '../../emails/letter';
import { renderLetter } from '../../emails/render';

// ALL-5: every notice says what to do next and links to the portal page where it is done. Each email
// is written once here with its facts and the page it must open, by hand.
const account = { companyName: 'Acme', name: 'Dana Lee', accountId: 'ACME 1' };
const cert = { id: 'P-1-DE', name: 'Partner One', country: 'DE', anniversary: '2027-03-10', detail: 'x', partnerId: 'P-1' };
const engagement = { name: 'Partner One', engagementId: 'E-1', phase: 'Onboard' };
const statement = { ownerEmail: 'd@x', month: '2027-01', accountId: 'ACME', lines: [], openingBalance: 0, closingBalance: 0 };
const noAccount = { ...statement, accountId: null };

const cases: [string, Email, string][] = [
  ['terms waiting', loyalty.termsWaiting({ ...account, termsVersion: 'T1', lapsesOn: '2027-01-01' }), '/app/accounts/ACME%201/terms'],
  ['terms reminder', loyalty.termsReminder({ ...account, termsVersion: 'T1', lapsesOn: '2027-01-01' }), '/app/accounts/ACME%201/terms'],
  ['nomination lapsed', loyalty.nominationLapsed(account), '/app/accounts/ACME%201'],
  ['bookings missing', loyalty.bookingsMissing({ ...account, years: [2026], acceptedOn: '2026-12-01' }), '/app/accounts/ACME%201'],
  [
    'bookings missing at the re-tier',
    loyalty.retierBookingsMissing({ ...account, fy: 2028, years: [2027], nextAwardDate: '2027-10-15' }),
    '/app/accounts/ACME%201',
  ],
  ['bookings reminder', loyalty.bookingsReminder({ ...account, fy: 2028, years: [2027], askedOn: '2027-08-31' }), '/app/accounts/ACME%201'],
  ['enrolled', loyalty.enrolled({ ...account, firstAwardDate: '2027-01-15', tier: 2 }), '/app/accounts/ACME%201'],
  [
    'enrolled, no tier',
    loyalty.enrolled({ ...account, firstAwardDate: '2027-01-15', tier: null, averageUsd: 9e5, fy: 2027, nextRetierOn: '2027-08-31' }),
    '/app/accounts/ACME%201',
  ],
  ['withdrawn', loyalty.withdrawn({ ...account, reason: 'left' }), '/app/accounts/ACME%201'],
  ['new tier', loyalty.newTier({ ...account, fy: 2027, tier: 2, averageUsd: 2e6, quarterlyCredits: 50 }), '/app/accounts/ACME%201'],
  ['no tier', loyalty.newTier({ ...account, fy: 2027, tier: null, averageUsd: 1, quarterlyCredits: 0 }), '/app/accounts/ACME%201'],
  [
    'tier corrected',
    loyalty.tierCorrected({ ...account, fy: 2027, tier: 3, averageUsd: 3e6, quarterlyCredits: 80 }),
    '/app/accounts/ACME%201',
  ],
  ['award', loyalty.award({ ...account, credits: 50, quarter: 'FY2027 Q2', lotId: 'L-1', expiresOn: '2028-01-15' }), '/app/lots/L-1'],
  ['award withheld', loyalty.awardWithheld({ ...account, quarter: 'FY2027 Q2', termsVersion: 'T2' }), '/app/accounts/ACME%201/terms'],
  ['captain appointed', loyalty.captainAppointed(account), '/app/accounts/ACME%201'],
  ['new terms', loyalty.newTermsWaiting({ ...account, termsVersion: 'T2' }), '/app/accounts/ACME%201/terms'],
  ['lot active', credits.active({ name: 'D', lotId: 'L-1', credits: 5, expiresOn: '2028-01-01' }), '/app/lots/L-1'],
  ['lot reminder', credits.reminder({ name: 'D', lotId: 'L-1', balance: 5, expiresOn: '2028-01-01', daysBefore: 30 }), '/app/lots/L-1'],
  [
    'lot forfeited',
    credits.forfeited({ name: 'D', lotId: 'L-1', forfeited: 5, expiresOn: '2028-01-01', extensionCloses: null }),
    '/app/lots/L-1',
  ],
  [
    'extension decided',
    credits.extensionDecided({ name: 'D', lotId: 'L-1', approved: true, expiresOn: '2028-07-01', restored: 0 }),
    '/app/lots/L-1',
  ],
  [
    'extension requested',
    credits.extensionRequested({ lotId: 'L-1', requestId: 'X-1', usagePlan: 'p', by: 'D' }),
    '/app/ops/extension-requests',
  ],
  [
    'approval waiting',
    credits.approvalWaiting({ name: 'D', redemptionId: 'R-1', credits: 5, kind: 'exam', holdUntil: '2027-02-01' }),
    '/app/redemptions/R-1',
  ],
  [
    'redemptions handed over',
    credits.redemptionsHandedOver({
      name: 'D',
      accountId: 'ACME',
      waiting: [{ redemptionId: 'R-1', credits: 5, kind: 'exam-voucher', holdUntil: '2027-02-01' }],
    }),
    '/app',
  ],
  [
    'redemption settled',
    credits.redemptionSettled({ name: 'D', redemptionId: 'R-1', credits: 5, outcome: 'approved' }),
    '/app/redemptions/R-1',
  ],
  [
    'voucher issued',
    credits.voucherIssued({ name: 'Kim', voucherId: 'EV-1', exam: 'CCNA', issuedOn: '2027-01-05', expiresOn: '2028-01-05' }),
    '/app/vouchers/EV-1',
  ],
  [
    'voucher reminder',
    credits.voucherReminder({ name: 'Kim', voucherId: 'EV-1', exam: 'CCNA', expiresOn: '2028-01-05', daysBefore: 30 }),
    '/app/vouchers/EV-1',
  ],
  ['statement', credits.statement(statement), '/app/accounts/ACME/statements/2027-01'],
  ['statement, no account', credits.statement(noAccount), '/app'],
  ...(
    [
      'approved',
      'refused',
      'renewalOpen',
      'renewalReminder',
      'renewed',
      'lost',
      'csatFailed',
      'extensionGranted',
      'revoked',
      'extensionEnded',
    ] as const
  ).map((k): [string, Email, string] => [`certification ${k}`, certification[k](cert), '/app/certifications/P-1-DE']),
  ['phase paid', incentives.phasePaid({ ...engagement, amountUsd: 5000, nextPhase: 'Use' }), '/app/engagements/E-1'],
  ['engagement expired', incentives.engagementExpired({ ...engagement, deadline: '2027-06-01' }), '/app/engagements/E-1'],
];

describe('emails', () => {
  it('ALL-5: every email module is covered by this table', () => {
    const builders = [loyalty, credits, certification, incentives].flatMap((m) => Object.values(m).filter((v) => typeof v === 'function'));
    expect(cases.length).toBe(builders.length + 3); // newTier, enrolled and statement are each written twice
  });

  it.each(cases)('ALL-5: %s links to the page where its reader acts', (_name, email, path) => {
    const { text, html } = renderLetter(email.body, 'https://programs.example/');
    const line = text.split('\n').find((l) => l.includes('https://programs.example/app'));
    expect(line).toMatch(new RegExp(`^[A-Z][^:]+: https://programs\\.example${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(html).toContain(`href="https://programs.example${path}"`);
    expect(email.body).not.toMatch(/\/v1\//); // readers act in the portal, not through the API
  });

  it('ALL-5: the HTML escapes what the letter says', () => {
    const { html } = renderLetter('Dear <b>Dana</b> & co,\n\nSee it: /app/lots/L-1\n', 'https://p.example');
    expect(html).toContain('Dear &lt;b&gt;Dana&lt;/b&gt; &amp; co,');
    expect(html).toContain('<a href="https://p.example/app/lots/L-1">See it</a>');
  });

  it('CLC-4: the forfeit email names the last day to ask for the extension, or the request already waiting for ops', () => {
    const lot = { name: 'D', lotId: 'L-1', forfeited: 5, expiresOn: '2028-01-01' };
    expect(credits.forfeited({ ...lot, extensionCloses: '2028-03-01' }).body).toContain(
      'Ask for the one six-month extension by the end of 2028-03-01: approved, it restores them.',
    );
    expect(credits.forfeited({ ...lot, extensionCloses: '2028-03-01', requestPending: 'XR-1' }).body).toContain(
      "Your extension request XR-1 waits for ops' decision: approved, it restores them. Nothing more is needed from you.",
    );
  });

  it('CLC-6: a waiting request may be decided all through the day before its release', () => {
    const waiting = credits.approvalWaiting({ name: 'D', redemptionId: 'R-1', credits: 5, kind: 'training', holdUntil: '2027-02-16' });
    expect(waiting.body).toContain('Approve or reject it by the end of 2027-02-15; undecided, its credits are released on 2027-02-16.');
    const handed = credits.redemptionsHandedOver({
      name: 'Sam Park',
      accountId: 'ACME',
      waiting: [
        { redemptionId: 'R-1', credits: 5, kind: 'training', holdUntil: '2027-02-16' },
        { redemptionId: 'R-2', credits: 8, kind: 'event', holdUntil: '2027-03-01' },
      ],
    });
    expect(handed.subject).toBe('2 redemptions wait for your approval (account ACME)');
    expect(handed.body).toContain(
      'R-1: 5 credits (training), to decide by the end of 2027-02-15\nR-2: 8 credits (event), to decide by the end of 2027-02-28',
    );
  });
});
