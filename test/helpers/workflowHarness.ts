import { Client } from '@temporalio/client';
import { createMailer } from '../../services/mailer';
import { lotBalanceNews } from '../../services/credits';
import type { RedemptionDeskDeps } from '../../services/creditsRedemptions';
import { awardsOf } from '../../db/creditsReads';
import { noticesFor } from '../../db/notifications';
import type { IsoDate } from '../../domain/calendar';
import { loyaltyAccount } from '../../workflows/loyalty';
import { acceptTermsUpdate, defaultLoyaltySettings, loyaltyWorkflowId } from '../../workflows/loyaltyDefinitions';
import { createTestDatabase } from './db';
import { suiteStartDate } from './startDate';
import { nominationFor } from './loyalty';
import { startSmtpServer } from './smtp';
import { PUBLIC_URL, startWorker, timeSkippingEnv, uniqueId, uniqueTaskQueue } from './temporal';

/**
 * The servers of every lifecycle's workflow suite: a time-skipping Temporal server, a real worker (unless
 * `worker: false`, for a test that runs its own), Postgres and SMTP; with the API's redemption desk and the
 * steps for walking a loyalty account.
 *
 * The clock starts at 00:00 UTC on `startOn`, for a suite whose tests write their dates out (it names a
 * day before all of them); without it, on `suiteStartDate()`, for a suite that derives every date from
 * `startedOn` and so must hold from any day. Never from the wall clock itself.
 */
export async function workflowHarness(opts: { worker?: boolean; startOn?: IsoDate } = {}) {
  const startedOn = opts.startOn ?? suiteStartDate();
  const [env, database, smtp] = await Promise.all([timeSkippingEnv(startedOn), createTestDatabase(), startSmtpServer()]);
  const taskQueue = uniqueTaskQueue();
  const worker = opts.worker === false ? undefined : await startWorker(env, { db: database.db, smtpUrl: smtp.url, taskQueue });
  const db = database.db;

  const today = async (): Promise<IsoDate> => new Date(await env.currentTimeMs()).toISOString().slice(0, 10);
  // env.client lets time skip while it waits for a result (to the next timer anywhere, months ahead); this
  // one waits without moving the clock: for running a schedule's workflow at the time a test has set.
  const steadyClient = new Client({ connection: env.connection, namespace: env.namespace });
  // The API's redemption desk over the same servers, on Temporal's (skipped) clock.
  const mailer = createMailer(smtp.url);
  const desk: RedemptionDeskDeps = {
    db,
    temporal: env.client,
    taskQueue,
    today,
    lots: lotBalanceNews(env.client, db, 50),
    // Its links lead where the worker's do.
    mail: { mailer, from: 'Programs <programs@test.example>', publicUrl: PUBLIC_URL },
  };

  /** Skips time to `time` (default 12:00 UTC) on `date`: timers due before then fire in order. */
  async function skipTo(date: IsoDate, time = '12:00:00') {
    const ms = Date.parse(`${date}T${time}Z`) - (await env.currentTimeMs());
    if (ms < 0) throw new Error(`cannot skip back to ${date}`);
    await env.sleep(ms);
  }

  async function nominate(opts: { yearlyUsd?: number; termsVersion?: string } = {}) {
    const accountId = uniqueId('G');
    const nominatedOn = await today();
    const nomination = nominationFor(nominatedOn, { group: accountId, yearlyUsd: opts.yearlyUsd });
    const handle = await env.client.workflow.start(loyaltyAccount, {
      workflowId: loyaltyWorkflowId(accountId),
      taskQueue,
      args: [
        {
          accountId,
          nomination,
          nominatedBy: 'account-manager:test',
          nominatedOn,
          termsVersion: opts.termsVersion ?? 'T1',
          settings: defaultLoyaltySettings,
        },
      ],
    });
    return { accountId, nominatedOn, handle, captainEmail: nomination.teamCaptain.email };
  }

  async function enrolled(opts: { yearlyUsd?: number } = {}) {
    const account = await nominate(opts);
    const state = await account.handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T1', ccoId: 'dlee' }] });
    return { ...account, acceptedOn: state.termsAccepted!.acceptedOn, state };
  }

  return {
    env,
    /** The day the suite's clock started on. */
    startedOn,
    db,
    dbUrl: database.url,
    smtp,
    taskQueue,
    today,
    desk,
    steadyClient,
    skipTo,
    nominate,
    enrolled,
    awards: (accountId: string) => awardsOf(db, accountId),
    notices: (accountId: string) => noticesFor(db, accountId),
    async close() {
      mailer.close();
      await worker?.stop();
      await env.teardown();
      await smtp.close();
      await database.drop();
    },
  };
}

export type WorkflowHarness = Awaited<ReturnType<typeof workflowHarness>>;
