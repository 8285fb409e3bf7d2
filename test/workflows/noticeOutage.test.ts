import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMailer } from '../../services/mailer';
import { emailsInFlight } from '../../services/creditsRedemptions';
import { addDays, addYears } from '../../domain/calendar';
import { SAMPLE_CATALOGUE } from '../../domain/incentives';
import { freePort } from '../../scripts/services/freePort';
import { engagementStateQuery, readingsSignal } from '../../workflows/incentivesDefinitions';
import { lotStateQuery } from '../../workflows/creditsDefinitions';
import { requestRedemption, startPurchasedLot } from '../helpers/credits';
import { openEngagement } from '../helpers/incentives';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';
import { startSmtpServer } from '../helpers/smtp';
import { startWorker, uniqueId, uniqueTaskQueue } from '../helpers/temporal';

// ALL-2 in an SMTP outage: a notice sent by a local activity gets a few quick tries, then is handed to the
// sendNotice activity, which the server retries until the mail server is back, and it is sent once.
// The worker's mailer points at a port where the mail server only starts later, so nothing is swapped
// or skipped: the real worker, Temporal, Postgres and SMTP server, in real time.
/** The activity's retries back off up to a minute apart: room for one full interval after the server is back. */
const RETRIES_MS = 150_000;

describe('ALL-2: notices survive an SMTP outage', () => {
  let h: WorkflowHarness;
  let port: number;
  let taskQueue: string;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>> | undefined;

  beforeAll(async () => {
    h = await workflowHarness({ worker: false });
    port = await freePort();
    taskQueue = uniqueTaskQueue();
    worker = await startWorker(h.env, { db: h.db, smtpUrl: `smtp://127.0.0.1:${port}?ignoreTLS=true`, taskQueue });
  });
  afterAll(async () => {
    await worker?.stop();
    await smtp?.close();
    await h?.close();
  });

  const activitiesScheduled = async (handle: WorkflowHandle) =>
    ((await handle.fetchHistory()).events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
  const sentTo = (recipient: string) => h.db('notifications').where({ recipient }).whereNotNull('sent_at');

  it(
    'CLC-2: a lot activates while the mail server is down; its notice goes out once the server is back',
    async () => {
      const ownerEmail = `${uniqueId('owner')}@example.com`;
      // Invoiced five days ago, so it activates, and tells its owner, as soon as it starts.
      const { lot, handle } = await startPurchasedLot(h.env, taskQueue, {
        credits: 10,
        invoiceDate: addDays(await h.today(), -5),
        ownerEmail,
      });
      // Its own writes are local activities; the only activity task is the notice the local tries gave up on.
      await vi.waitFor(async () => expect(await activitiesScheduled(handle)).toEqual(['sendNotice']), { timeout: 30_000, interval: 250 });
      expect(await h.db('credit_lots').where({ id: lot.id }).first()).toMatchObject({ state: 'active' });
      expect(await sentTo(ownerEmail)).toHaveLength(0);

      smtp ??= await startSmtpServer(port);
      await smtp.waitFor((m) => m.to.includes(ownerEmail) && /10 Cisco Learning Credits are active/.test(m.subject), 120_000);
      await vi.waitFor(async () => expect((await handle.query(lotStateQuery)).state).toBe('active'), { timeout: 10_000, interval: 100 });
      expect(await sentTo(ownerEmail)).toHaveLength(1);
      expect(smtp.received.filter((m) => m.to.includes(ownerEmail))).toHaveLength(1);
    },
    RETRIES_MS,
  );

  it(
    'LCI-2: a phase paid while the mail server is down is paid once, and its email goes out once the server is back',
    async () => {
      await smtp?.close();
      smtp = undefined;
      const useCase = SAMPLE_CATALOGUE[0]!; // Onboard: devices_reporting_pct >= 80 and active_users_pct >= 10
      const { engagementId, handle } = await openEngagement({ env: h.env, db: h.db, taskQueue }, useCase);
      const at = new Date(Date.UTC(2030, 0, 1)).toISOString();
      await handle.signal(readingsSignal, [
        { metric: 'devices_reporting_pct', value: 85, measuredAt: at },
        { metric: 'active_users_pct', value: 12, measuredAt: at },
      ]);
      await vi.waitFor(async () => expect(await activitiesScheduled(handle)).toContain('sendNotice'), { timeout: 30_000, interval: 250 });
      expect(await h.db('incentive_payments').where({ engagement_id: engagementId })).toHaveLength(1);

      smtp = await startSmtpServer(port);
      await vi.waitFor(async () => expect((await handle.query(engagementStateQuery)).payments).toHaveLength(1), {
        timeout: 120_000,
        interval: 250,
      });
      const partnerEmail = (await handle.query(engagementStateQuery)).partnerEmail;
      await smtp.waitFor((m) => m.to.includes(partnerEmail), 10_000);
      expect(await sentTo(partnerEmail)).toHaveLength(1);
      expect(await h.db('incentive_payments').where({ engagement_id: engagementId })).toHaveLength(1);
    },
    RETRIES_MS,
  );

  it(
    'CLC-6: a redemption made while the mail server is down answers at once; a workflow delivers its email once the server is back',
    async () => {
      await smtp?.close();
      smtp = undefined;
      const today = await h.today();
      const lotId = uniqueId('LP');
      await h.db('credit_lots').insert({
        id: lotId,
        owner_name: 'Pat',
        owner_email: 'pat@buyer.example',
        country: 'US',
        source: 'purchase',
        state: 'active',
        credits: 10,
        issued_on: today,
        activates_on: today,
        expires_on: addYears(today, 1),
      });
      await h.db('ledger_entries').insert({
        lot_id: lotId,
        kind: 'purchase',
        credits: 10,
        actor: 'test',
        reason: 'test',
        idempotency_key: `${lotId}:purchase`,
        occurred_on: today,
      });
      const mailer = createMailer(`smtp://127.0.0.1:${port}?ignoreTLS=true`);
      const approverEmail = `${uniqueId('captain')}@example.com`;
      try {
        const desk = { ...h.desk, taskQueue, mail: { mailer, from: 'Programs <programs@test.example>' } };
        const r = await requestRedemption(desk, {
          accountId: null,
          lotId,
          kind: 'digital-learning',
          credits: 4,
          autoApprove: false,
          approverEmail,
        });
        expect(r.state.status).toBe('pending');
        const key = `redemption-${r.redemptionId}:waiting`;
        expect(await h.db('notifications').where({ id: key }).first()).toMatchObject({ sent_at: null });
        // The desk could not send it: a deliverNotice workflow has it.
        await emailsInFlight();
        const delivery = h.env.client.workflow.getHandle(`notice-${key}`);
        expect((await delivery.describe()).type).toBe('deliverNotice');

        smtp = await startSmtpServer(port);
        await smtp.waitFor((m) => m.to.includes(approverEmail) && m.subject.includes('waits for your approval'), 60_000);
        await vi.waitFor(async () => expect(await sentTo(approverEmail)).toHaveLength(1), { timeout: 10_000, interval: 100 });
        expect(smtp.received.filter((m) => m.to.includes(approverEmail))).toHaveLength(1);
      } finally {
        mailer.close();
      }
    },
    RETRIES_MS,
  );
});
