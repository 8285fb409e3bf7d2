import { WorkflowUpdateStage, type WorkflowUpdateHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../scripts/services/freePort';
import type { certification } from '../../workflows/certification';
import * as messages from '../../workflows/certificationDefinitions';
import { applyForCertification, fullRequirements } from '../helpers/certification';
import { startSmtpServer } from '../helpers/smtp';
import { startWorker, uniqueTaskQueue } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// A handler never waits for something only the main loop does once the main loop may be waiting for
// handlers: each pair of a notice the main loop is retrying across an SMTP outage and an update that
// arrives meanwhile. The worker's mailer points at a port whose mail server is closed for the outage
// and started again on the same port; in real time (the updates go through the client that does not
// skip time), so the notices' retries are real.

/** The activity's retries back off up to a minute apart: room for one full interval after the server is back. */
const RETRIES_MS = 150_000;

describe('Premier Certification: updates while a notice is retrying', () => {
  let h: WorkflowHarness;
  let port: number;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>> | undefined;
  let taskQueue: string;

  beforeAll(async () => {
    h = await workflowHarness({ worker: false, startOn: '2027-03-01' });
    port = await freePort();
    taskQueue = uniqueTaskQueue();
    smtp = await startSmtpServer(port);
    worker = await startWorker(h.env, { db: h.db, smtpUrl: `smtp://127.0.0.1:${port}?ignoreTLS=true`, taskQueue });
  });
  afterAll(async () => {
    await worker?.stop();
    await smtp?.close();
    await h?.close();
  });

  const mailServer = () => smtp!;
  const outage = async () => {
    await smtp?.close();
    smtp = undefined;
  };
  const serverBack = async () => {
    smtp = await startSmtpServer(port);
  };
  /** The partner's emails, by subject, in the order they arrived (on the mail server since it last started). */
  const subjectsTo = (email: string) =>
    mailServer()
      .received.filter((m) => m.to.includes(email))
      .map((m) => m.subject);
  const unsent = (id: string) => h.db('notifications').where({ id }).whereNull('sent_at').first();
  /** The update's answer, or a failure naming the wedge when none comes in `ms`. */
  const answerWithin = <T>(u: WorkflowUpdateHandle<T>, ms: number) =>
    Promise.race([
      u.result(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer to ${u.updateId} within ${ms} ms`)), ms)),
    ]);
  const approve = { args: [{ approve: true, by: 'ops:test' }] as [{ approve: boolean; by: string }] };
  const revoke = { args: [{ reason: 'resale agreement withdrawn', by: 'ops:test' }] as [{ reason: string; by: string }] };

  /** A certification approved today (its `anniversary` a year on), through the client that does not skip time. */
  async function approvedCertification(anniversary = '2028-03-01') {
    const c = await applyForCertification(h.env, h.db, taskQueue);
    const handle = h.steadyClient.workflow.getHandle<typeof certification>(c.handle.workflowId);
    expect((await handle.executeUpdate(messages.decideCertificationUpdate, approve)).anniversary).toBe(anniversary);
    await mailServer().waitFor((m) => m.to.includes(c.partnerEmail) && m.subject === 'Premier Certification approved (US)');
    return { ...c, handle };
  }

  // Both approved on the suite's first day, before any test moves the clock.
  let renewing: Awaited<ReturnType<typeof approvedCertification>>;
  let lapsing: Awaited<ReturnType<typeof approvedCertification>>;
  let lost: Awaited<ReturnType<typeof approvedCertification>>;
  beforeAll(async () => {
    renewing = await approvedCertification();
    lapsing = await approvedCertification();
    await h.skipTo('2027-03-02');
    lost = await approvedCertification('2028-03-02');
  });

  it(
    'CERT-3, CERT-5: a revoke accepted while the "renewed" notice is retrying answers once the mail server is back; the certification ends revoked',
    async () => {
      const c = renewing;
      await h.skipTo('2028-01-15'); // Re-Cert since 2027-12-02
      await mailServer().waitFor((m) => m.to.includes(c.partnerEmail) && m.subject === 'Reminder: renew your Premier Certification (US)');
      await outage();
      expect((await c.handle.executeUpdate(messages.renewCertificationUpdate, { args: [fullRequirements()] })).anniversary).toBe(
        '2029-03-01',
      );
      await vi.waitFor(async () => expect(await unsent(`cert-${c.id}:renewed-2029-03-01`)).toBeDefined(), { timeout: 20_000 });
      const revoking = await c.handle.startUpdate(messages.revokeUpdate, { ...revoke, waitForStage: WorkflowUpdateStage.ACCEPTED });
      await serverBack();
      expect((await answerWithin(revoking, 90_000)).state).toBe('revoked');
      expect((await c.handle.result()).state).toBe('revoked');
      await mailServer().waitFor((m) => m.to.includes(c.partnerEmail) && m.subject === 'Premier Certification revoked (US)');
      // Both retried through the outage: each arrives once, in whichever order their retries come.
      expect(subjectsTo(c.partnerEmail).sort()).toEqual(['Premier Certification renewed (US)', 'Premier Certification revoked (US)']);
      expect(await h.db('certifications').where({ id: c.id }).first()).toMatchObject({ state: 'revoked', anniversary: '2029-03-01' });
    },
    RETRIES_MS,
  );

  it(
    'CERT-3, CERT-5: a revoke accepted on the last day, its notice retrying past midnight, is not dropped by the lost event',
    async () => {
      const c = lapsing;
      await h.skipTo('2028-03-31', '23:59:00'); // the last day a renewal counts
      await mailServer().waitFor((m) => m.to.includes(c.partnerEmail) && /Reminder/.test(m.subject) && /2028-03-31/.test(m.text));
      await outage();
      const revoking = await c.handle.startUpdate(messages.revokeUpdate, { ...revoke, waitForStage: WorkflowUpdateStage.ACCEPTED });
      await h.env.sleep(300_000); // past midnight: the day it would be lost
      await serverBack();
      expect((await answerWithin(revoking, 90_000)).state).toBe('revoked');
      expect((await c.handle.result()).state).toBe('revoked');
      await mailServer().waitFor((m) => m.to.includes(c.partnerEmail) && m.subject === 'Premier Certification revoked (US)');
      expect(subjectsTo(c.partnerEmail)).toEqual(['Premier Certification revoked (US)']);
    },
    RETRIES_MS,
  );

  it(
    'CERT-3, CERT-5: a revoke arriving while the "lost" notice is retrying is refused at once: the certification is lapsed',
    async () => {
      const c = lost;
      await h.skipTo('2028-04-01', '23:59:00'); // the last day a renewal counts
      const lastReminder = `cert-${c.id}:lapse-7-2028-03-02`;
      await vi.waitFor(async () => expect(await h.db('notifications').where({ id: lastReminder }).whereNotNull('sent_at')).toHaveLength(1));
      await outage();
      await h.env.sleep(120_000); // past midnight: lost
      await vi.waitFor(async () => expect(await unsent(`cert-${c.id}:lost-2028-03-02`)).toBeDefined(), { timeout: 20_000 });
      await expect(c.handle.executeUpdate(messages.revokeUpdate, revoke)).rejects.toMatchObject({
        cause: { type: 'Conflict', message: `certification ${c.id} is lapsed` },
      });
      await serverBack();
      expect((await c.handle.result()).state).toBe('lapsed');
      await mailServer().waitFor((m) => m.to.includes(c.partnerEmail) && m.subject === 'Premier Certification lost (US)', 90_000);
      expect(subjectsTo(c.partnerEmail)).toEqual(['Premier Certification lost (US)']);
    },
    RETRIES_MS,
  );
});
