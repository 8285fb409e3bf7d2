import { log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { awardLotRecord } from '../workflows/creditDefinitions';
import { startLotWorkflow } from './credits';
import { writeAward, type AwardInput } from './loyalty';
import type { Mailer } from './mailer';
import { sendNotice } from './notify';

// LOY-7 as one step, run as a local activity inside the award's workflow task: the award's rows (lot,
// ledger entry, outbox notice: one statement), then the lot's own workflow and the captain's email at
// the same time. One workflow task per award instead of four workflow tasks and three activity tasks:
// server round trips and worker CPU per award are what bound award throughput (bench/awards.ts).
//
// Retried whole (an attempt failed, or the worker died before the workflow task completed), it repeats
// nothing: the rows are keyed by the award's business ids, a lot workflow already running or closed is
// left be, and a notice already marked sent is not sent again (a crash between the SMTP hand-off and the
// mark resends it with the same Message-ID, as every notice does: ALL-2).

export interface AwardAndStartLotInput extends AwardInput {
  captain: { name: string; email: string };
  /** The queue the lot's workflow runs on (the account's own, unless a deployment separates them). */
  lotTaskQueue: string;
}

export function createAwardActivities(deps: { db: Knex; temporal: Client; mailer: Mailer; config: { mailFrom: string } }) {
  const { db, temporal, mailer, config } = deps;
  return {
    /**
     * `noticeSent: false` when only the email failed: the workflow then sends it with the `sendNotice`
     * activity, which the server retries for as long as the mail server is down, where a failing local
     * activity would add a timer to the account's history for every retry.
     */
    async awardAndStartLot(input: AwardAndStartLotInput): Promise<{ lotId: string; noticeKey: string; noticeSent?: boolean }> {
      const { lotId, noticeKey } = await writeAward(db, input);
      const [, noticeSent] = await Promise.all([
        startLotWorkflow(temporal, awardLotRecord({ ...input, lotId }), input.lotTaskQueue),
        sendNotice({ db, mailer, mailFrom: config.mailFrom }, noticeKey).then(
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
