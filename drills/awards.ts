// The award burst the drills put under fire: N loyalty accounts whose award is due today, started as a
// continued account-year run starts (as bench/awardsDev.ts does), and the check that each account got
// exactly one lot, one ledger entry, one sent notice and one email.
import type { Client } from '@temporalio/client';
import type { Db } from '../db/connect';
import type { IsoDate } from '../domain/calendar';
import { FY22_TIER_TABLE, nextRetierDateAfter } from '../domain/loyalty';
import { nominationFor } from '../test/helpers/loyalty';
import { loyaltyAccount } from '../workflows/loyalty';
import { defaultLoyaltySettings, loyaltyWorkflowId, type LoyaltyAccountState } from '../workflows/loyaltyDefinitions';
import { initialState } from '../workflows/loyaltyState';
import { mapLimit } from '../bench/lib';
import { mailFigures, type MailSink } from './sink';

const TERMS_VERSION = 'T1';
export const AWARD_NOTICE = /^account-[^:]+:award-FY\d+Q\d$/;
export const today = (): IsoDate => new Date().toISOString().slice(0, 10);
export const accountIds = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);

/** An account enrolled today whose award is due today, as a continued run carries it. */
function carriedState(accountId: string, on: IsoDate): LoyaltyAccountState {
  const nomination = nominationFor(on, { group: accountId });
  const nominated = initialState({
    accountId,
    nomination,
    nominatedBy: 'drill',
    nominatedOn: on,
    termsVersion: TERMS_VERSION,
    settings: defaultLoyaltySettings,
  });
  return {
    ...nominated,
    state: 'enrolled',
    lapsesOn: on,
    termsAccepted: { version: TERMS_VERSION, acceptedBy: nomination.teamCaptain.ccoId, acceptedOn: on },
    quarterlyCredits: FY22_TIER_TABLE.bands.find((b) => b.tier === nominated.tier)!.quarterlyCredits,
    nextAwardDate: on,
    nextRetierOn: nextRetierDateAfter(on, defaultLoyaltySettings.retierDay),
  };
}

/** Writes the accounts' rows (as enrollment leaves them) and starts their workflows; awards follow at once. */
export async function startAwardBurst(db: Db, client: Client, ids: string[]): Promise<void> {
  const on = today();
  const states = ids.map((id) => carriedState(id, on));
  for (let i = 0; i < states.length; i += 1000) {
    await db('accounts').insert(
      states.slice(i, i + 1000).map((s) => ({
        id: s.accountId,
        corporate_group_id: s.corporateGroupId,
        state: 'enrolled',
        tier: s.tier,
        captain_name: s.teamCaptain.name,
        captain_email: s.teamCaptain.email,
        captain_cco_id: s.teamCaptain.ccoId,
        nominated_by: 'account-manager:drill',
        nominated_on: on,
        terms_version: TERMS_VERSION,
        next_award_date: on,
      })),
    );
  }
  await mapLimit(states, 50, (s) =>
    client.workflow.start(loyaltyAccount, {
      workflowId: loyaltyWorkflowId(s.accountId),
      taskQueue: 'cisco-programs',
      args: [
        {
          accountId: s.accountId,
          nomination: nominationFor(on, { group: s.accountId }),
          nominatedBy: 'account-manager:drill',
          nominatedOn: on,
          termsVersion: TERMS_VERSION,
          settings: defaultLoyaltySettings,
          carried: s,
        },
      ],
    }),
  );
}

const count = async (q: Promise<{ n: string | number }[]>) => Number((await q)[0]?.n ?? 0);

/** How far the burst got: awards land as lots, then as sent notices, then as emails. */
export async function awardProgress(db: Db, sink: MailSink) {
  const [lots, sent] = await Promise.all([
    count(db('credit_lots').where({ source: 'award' }).count({ n: '*' })),
    count(db('notifications').where({ kind: 'award' }).whereNotNull('sent_at').count({ n: '*' })),
  ]);
  return { lots, sent, emails: mailFigures(sink, AWARD_NOTICE).notices };
}

/** Per account: lots, ledger entries, sent notices, emails; anything other than exactly one is a finding. */
export async function awardFigures(db: Db, sink: MailSink, ids: string[]) {
  const per = async (q: Promise<{ account_id: string; n: string }[]>) => new Map((await q).map((r) => [r.account_id, Number(r.n)]));
  const [lots, ledger, notices] = await Promise.all([
    per(db('credit_lots').where({ source: 'award' }).groupBy('account_id').select('account_id').count({ n: '*' })),
    per(
      db('ledger_entries as l')
        .join('credit_lots as c', 'c.id', 'l.lot_id')
        .where({ 'l.kind': 'award' })
        .groupBy('c.account_id')
        .select('c.account_id as account_id')
        .count({ n: '*' }),
    ),
    per(db('notifications').where({ kind: 'award' }).whereNotNull('sent_at').groupBy('account_id').select('account_id').count({ n: '*' })),
  ]);
  const mail = mailFigures(sink, AWARD_NOTICE);
  const tally = (m: Map<string, number>) => ({
    missing: ids.filter((id) => !m.get(id)).length,
    doubled: ids.filter((id) => (m.get(id) ?? 0) > 1).length,
    total: [...m.values()].reduce((a, b) => a + b, 0),
  });
  return { accounts: ids.length, lots: tally(lots), ledger: tally(ledger), sentNotices: tally(notices), mail };
}

export type AwardFigures = Awaited<ReturnType<typeof awardFigures>>;

/** The findings in one list: empty means nothing lost and nothing twice. */
export function awardFindings(f: AwardFigures): string[] {
  const out: string[] = [];
  for (const [name, t] of [
    ['lots', f.lots],
    ['ledger entries', f.ledger],
    ['sent notices', f.sentNotices],
  ] as const) {
    if (t.missing) out.push(`${t.missing} accounts without their award ${name}`);
    if (t.doubled) out.push(`${t.doubled} accounts with two award ${name}`);
  }
  if (f.mail.notices !== f.accounts) out.push(`${f.accounts - f.mail.notices} award emails never arrived`);
  if (f.mail.keysWithTwoEmails) out.push(`${f.mail.keysWithTwoEmails} awards emailed twice (different Message-IDs)`);
  return out;
}
