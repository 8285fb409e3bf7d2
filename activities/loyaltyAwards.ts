import { log } from '@temporalio/activity';
import type { Knex } from 'knex';
import { writeAwardRows } from '../db/loyalty';
import { noticeKey } from '../db/notifications';
import type { IsoDate } from '../domain/calendar';
import { lotExpiryDate } from '../domain/credits';
import * as emails from '../emails/loyalty';
import { mailDepsOf, sendNotice } from '../services/outbox';
import { awardLotRecord } from '../workflows/creditsDefinitions';
import { startLotWorkflow } from './credits';
import type { ActivityDeps } from './index';
import type { AccountParty } from './loyalty';

// LOY-7: a loyalty account's quarterly award, as activities or as one local activity.

const factsOf = (a: AccountParty) => ({ companyName: a.companyName, name: a.captain.name, accountId: a.accountId });

const awardLotId = (accountId: string, quarter: string) => `LA-${accountId}-${quarter}`;

export interface AwardInput extends AccountParty {
  quarter: string;
  awardDate: IsoDate;
  credits: number;
  nextAwardDate: IsoDate | null;
}

/** LOY-7: the award's lot, its ledger entry, the account's next award date and the captain's notice, at once. */
async function writeAward(db: Knex, input: AwardInput): Promise<{ lotId: string; noticeKey: string }> {
  const lotId = awardLotId(input.accountId, input.quarter);
  const expiresOn = lotExpiryDate(input.awardDate); // CLC-2: an awarded lot expires a year after its award
  const key = noticeKey('account', input.accountId, `award-${input.quarter}`);
  const email = emails.award({ ...factsOf(input), credits: input.credits, quarter: input.quarter, lotId, expiresOn });
  await writeAwardRows(db, {
    lot: {
      id: lotId,
      accountId: input.accountId,
      ownerEmail: input.captain.email,
      credits: input.credits,
      issuedOn: input.awardDate,
      expiresOn,
      awardQuarter: input.quarter,
    },
    actor: 'system:loyalty-award',
    nextAwardDate: input.nextAwardDate,
    notice: { id: key, accountId: input.accountId, kind: 'award', recipient: input.captain.email, ...email },
  });
  return { lotId, noticeKey: key };
}

export interface AwardAndStartLotInput extends AwardInput {
  /** The queue the lot's workflow runs on (the account's own, unless a deployment separates them). */
  lotTaskQueue: string;
}

/** LOY-7: the quarter's award, as activities or as one local activity. */
export function awardActivities({ db, temporal, mailer, config }: ActivityDeps) {
  return {
    /** LOY-7: the quarter's credits as a new lot, its ledger entry and the captain's notice, once. */
    recordAward: (input: AwardInput) => writeAward(db, input),

    /**
     * LOY-7 as one step, run as a local activity inside the award's workflow task: the award's rows (one
     * statement), then the lot's own workflow and the captain's email at the same time. One workflow task
     * per award instead of four workflow tasks and three activity tasks: server round trips and worker CPU
     * per award are what bound award throughput (bench/awards.ts). Retried whole, it repeats nothing: the
     * rows are keyed by business ids, a lot workflow already started is left be, a notice already sent is
     * not sent again. `noticeSent: false` when only the email failed: the workflow then sends it with the
     * `sendNotice` activity, which the server retries for as long as the mail server is down.
     */
    async awardAndStartLot(input: AwardAndStartLotInput): Promise<{ lotId: string; noticeKey: string; noticeSent?: boolean }> {
      const { lotId, noticeKey } = await writeAward(db, input);
      const [, noticeSent] = await Promise.all([
        startLotWorkflow(temporal, awardLotRecord({ ...input, lotId }), input.lotTaskQueue),
        sendNotice(mailDepsOf({ db, mailer, config }), noticeKey).then(
          () => true,
          (err: unknown) => {
            warn('award email not sent; the workflow retries it as an activity', { noticeKey, error: String(err) });
            return false;
          },
        ),
      ]);
      return { lotId, noticeKey, noticeSent };
    },
  };
}

/** The activity's logger; called outside a worker (tests call activities directly) there is none. */
function warn(message: string, attrs: Record<string, unknown>) {
  try {
    log.warn(message, attrs);
  } catch {
    // no activity context
  }
}
