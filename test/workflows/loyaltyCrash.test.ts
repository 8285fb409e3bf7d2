import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { firstAwardDate } from '../../domain/calendar';
import { awardQuarterOf } from '../../domain/loyalty';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';
import { createActivities, type Activities } from '../../activities';
import { createMailer } from '../../services/mailer';
import { creditLotWorkflowId } from '../../workflows/creditsDefinitions';
import { nominationFor } from '../helpers/loyalty';
import { startWorker, uniqueId } from '../helpers/temporal';
import { freePort } from '../../scripts/services/freePort';

// LOY-7, ALL-2: a worker killed in the middle of an award. The retry on another worker must not make a
// second lot, ledger entry or email.
describe('loyalty account: a worker dies during an award', () => {
  let h: WorkflowHarness;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    h = await workflowHarness({ worker: false, startOn: '2026-11-24' });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await h?.close();
  });

  function startWorkerProcess(): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'helpers', 'workerProcess.ts')], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: h.env.address,
        TEMPORAL_NAMESPACE: h.env.namespace ?? 'default',
        TASK_QUEUE: h.taskQueue,
        DATABASE_URL: h.dbUrl,
        SMTP_URL: h.smtp.url,
        WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      proc.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker-ready') && resolve(proc));
      proc.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
    });
  }

  /** Waits until some session is blocked on a lock, i.e. the award's transaction is mid-way. */
  async function waitForBlockedWrite(db: Knex) {
    for (let i = 0; i < 400; i++) {
      const { rows } = await db.raw(
        "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%credit_lots%'",
      );
      if (rows[0].n > 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the award never reached its database write');
  }

  it('LOY-7, ALL-2: killed mid-award, the retried award makes one lot, one ledger entry and one email', async () => {
    child = await startWorkerProcess();
    const { accountId, acceptedOn, captainEmail } = await h.enrolled();
    const first = firstAwardDate(acceptedOn);

    // Hold the lots table so the award's transaction blocks half-way, then kill the worker running it.
    const blocker = await h.db.transaction();
    await blocker.raw('lock table credit_lots in access exclusive mode');
    await h.skipTo(first, '00:00:01');
    await waitForBlockedWrite(h.db);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    await blocker.commit();

    // Another worker takes over once the lost attempt times out. The test server does not skip time while
    // an activity is outstanding, so this waits the activity's real 30 s start-to-close limit.
    const survivor = await startWorker(h.env, { db: h.db, smtpUrl: h.smtp.url, taskQueue: h.taskQueue });
    try {
      const quarter = awardQuarterOf(first);
      await h.smtp.waitFor((m) => m.to.includes(captainEmail) && m.subject.includes(quarter), 90_000);
      await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show up, if there were one
      const lots = await h.db('credit_lots').where({ account_id: accountId });
      expect(lots).toHaveLength(1);
      expect(await h.db('ledger_entries').where({ lot_id: lots[0].id })).toHaveLength(1);
      expect(await h.db('notifications').where({ account_id: accountId, kind: 'award' })).toHaveLength(1);
      expect(h.smtp.received.filter((m) => m.to.includes(captainEmail) && m.subject.includes(quarter))).toHaveLength(1);
    } finally {
      await survivor.stop();
    }
  }, 150_000);

  it('LOY-7, ALL-2: the award step run again after it completed (its workflow task was lost) repeats nothing', async () => {
    const mailer = createMailer(h.smtp.url);
    try {
      const acts = createActivities({
        db: h.db,
        mailer,
        temporal: h.env.client,
        config: { mailFrom: 'p@test.example', opsEmail: 'ops@test.example' },
      });
      const { accountId, nomination, award } = await nominatedForAward(acts, 'RE', h.taskQueue);
      // No worker polls the harness's queue in this test: the lot's workflow waits for a later test's
      // worker (a workflow task left pending for good would stop the test server from skipping time).
      const first = await acts.awardAndStartLot(award);
      const lot = h.env.client.workflow.getHandle(creditLotWorkflowId(first.lotId));
      const lotRun = (await lot.describe()).runId;
      const again = await acts.awardAndStartLot(award);
      expect(again).toEqual(first);
      expect(await h.db('credit_lots').where({ account_id: accountId })).toHaveLength(1);
      expect(await h.db('ledger_entries').where({ lot_id: first.lotId })).toHaveLength(1);
      expect(await h.db('notifications').where({ account_id: accountId, kind: 'award' }).whereNotNull('sent_at')).toHaveLength(1);
      await h.smtp.waitFor((m) => m.to.includes(nomination.teamCaptain.email) && m.subject.includes('FY2027Q3'));
      await new Promise((r) => setTimeout(r, 300)); // room for a duplicate to show up, if there were one
      expect(h.smtp.received.filter((m) => m.to.includes(nomination.teamCaptain.email) && m.subject.includes('FY2027Q3'))).toHaveLength(1);
      // The lot's lifecycle is the one the first attempt started, still running.
      expect(await lot.describe()).toMatchObject({ runId: lotRun, status: { name: 'RUNNING' } });
    } finally {
      mailer.close();
    }
  });

  it('LOY-7, ALL-2: with the mail server down the award step still records the award and starts its lot, and says the email is unsent', async () => {
    const deadMailer = createMailer(`smtp://127.0.0.1:${await freePort()}?ignoreTLS=true`);
    try {
      const acts = createActivities({
        db: h.db,
        mailer: deadMailer,
        temporal: h.env.client,
        config: { mailFrom: 'p@test.example', opsEmail: 'ops@test.example' },
      });
      const { accountId, award } = await nominatedForAward(acts, 'DOWN', h.taskQueue);
      // The workflow then sends it with the sendNotice activity (loyaltyAccount award()).
      const done = await acts.awardAndStartLot(award);
      expect(done.noticeSent).toBe(false);
      expect(await h.db('credit_lots').where({ account_id: accountId })).toHaveLength(1);
      expect(await h.db('notifications').where({ id: done.noticeKey }).whereNull('sent_at')).toHaveLength(1);
      const lot = h.env.client.workflow.getHandle(creditLotWorkflowId(done.lotId));
      expect((await lot.describe()).status.name).toBe('RUNNING');
    } finally {
      deadMailer.close();
    }
  });

  it('LOY-7, ALL-2: when the one-step award keeps failing, the award falls back to its activities and still happens once', async () => {
    const worker = await startWorker(h.env, { db: h.db, smtpUrl: h.smtp.url, taskQueue: h.taskQueue });
    const { accountId, acceptedOn, captainEmail, handle } = await h.enrolled();
    // A fault in the real database: the first three inserts of this account's lot fail (a sequence, as it
    // counts even when the failing transaction rolls back): all three local attempts of the award step.
    const fault = `award_fault_${accountId.replace(/\W/g, '_').toLowerCase()}`;
    await h.db.raw(`create sequence ${fault}`);
    await h.db.raw(`create function ${fault}() returns trigger language plpgsql as $$ begin
      if new.account_id = '${accountId}' and nextval('${fault}') <= 3 then raise exception 'injected fault: award write refused'; end if;
      return new; end $$`);
    await h.db.raw(`create trigger ${fault} before insert on credit_lots for each row execute function ${fault}()`);
    // The award's run: on a loaded machine the account may reach its year's end (and a new run) before the
    // history is read.
    const awardRun = h.env.client.workflow.getHandle(handle.workflowId, (await handle.describe()).runId);
    try {
      const first = firstAwardDate(acceptedOn);
      const quarter = awardQuarterOf(first);
      await h.skipTo(first, '00:00:01');
      await h.smtp.waitFor((m) => m.to.includes(captainEmail) && m.subject.includes(quarter), 60_000);
      expect(Number((await h.db.raw(`select last_value from ${fault}`)).rows[0].last_value)).toBe(4); // three refused, then the fallback's
      const lots = await h.db('credit_lots').where({ account_id: accountId });
      expect(lots).toHaveLength(1);
      expect(await h.db('ledger_entries').where({ lot_id: lots[0].id })).toHaveLength(1);
      expect(await h.db('notifications').where({ account_id: accountId, kind: 'award' }).whereNotNull('sent_at')).toHaveLength(1);
      expect(h.smtp.received.filter((m) => m.to.includes(captainEmail) && m.subject.includes(quarter))).toHaveLength(1);
      // The email goes out before the lot's start is scheduled: wait for the whole fallback to be in the history.
      await vi.waitFor(
        async () => {
          const scheduled = ((await awardRun.fetchHistory()).events ?? []).flatMap(
            (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
          );
          expect(scheduled).toEqual(expect.arrayContaining(['recordAward', 'sendNotice', 'startCreditLot']));
          expect((await h.env.client.workflow.getHandle(creditLotWorkflowId(lots[0].id)).describe()).status.name).toBe('RUNNING');
        },
        { timeout: 15_000, interval: 200 },
      );
    } finally {
      await h.db.raw(`drop trigger ${fault} on credit_lots`);
      await h.db.raw(`drop function ${fault}()`);
      await h.db.raw(`drop sequence ${fault}`);
      await worker.stop();
    }
  }, 120_000);
});

/** An account recorded as nominated (by the activity itself), and the input of its FY2027Q3 award step. */
async function nominatedForAward(acts: Activities, prefix: string, lotTaskQueue: string) {
  const accountId = uniqueId(prefix);
  const nomination = nominationFor('2026-11-24', { group: accountId });
  await acts.recordNomination({
    accountId,
    nomination,
    nominatedBy: 'am',
    nominatedOn: '2026-11-24',
    termsVersion: 'T1',
    lapsesOn: '2027-02-22',
  });
  const award = {
    accountId,
    companyName: nomination.company.name,
    captain: nomination.teamCaptain,
    quarter: 'FY2027Q3',
    awardDate: '2027-04-15',
    credits: 75,
    nextAwardDate: '2027-07-15',
    lotTaskQueue,
  };
  return { accountId, nomination, award };
}
