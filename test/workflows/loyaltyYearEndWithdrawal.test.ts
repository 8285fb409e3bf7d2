import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceCaptainUpdate, stateQuery, withdrawUpdate, type LoyaltyAccountState } from '../../workflows/loyaltyDefinitions';
import { startWorker } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

/**
 * A real SMTP server that refuses, while asked to, every message to some recipients (450 at RCPT TO): an
 * outage of one mailbox, so one handler's notice retries while the rest of the account's mail flows.
 */
async function smtpRefusing() {
  const refused = new Set<string>();
  const received: { to: string[]; subject: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refused.has(address.address)) return callback();
      callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 450 }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = [mail.to].flat().flatMap((a) => (a ? a.value.map((v) => v.address ?? '') : []));
          received.push({ to, subject: mail.subject ?? '' });
          callback();
        })
        .catch(callback);
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    refused,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms))]);

// LOY-9 and the year-end drain: after the fiscal year's last award the account waits for its running update
// handlers (`allHandlersFinished`) before it continues as new. A withdrawal accepted during that wait must be
// carried out, not wait for a state only the (waiting) main loop can set. Dates written out; the clock starts
// on 2028-02-29, the day of the acceptance.
describe('loyalty account: a withdrawal during the year-end wait for handlers', () => {
  let h: WorkflowHarness;
  let smtp: Awaited<ReturnType<typeof smtpRefusing>>;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2028-02-29', worker: false });
    smtp = await smtpRefusing();
    worker = await startWorker(h.env, { db: h.db, smtpUrl: smtp.url, taskQueue: h.taskQueue });
  });
  afterAll(async () => {
    smtp?.refused.clear();
    await worker?.stop();
    await smtp?.close();
    await h?.close();
  });

  it(
    "LOY-9: withdrawn on 2028-07-15 while a new captain's notice retries after the July award (the last of FY2028): " +
      'the withdrawal is carried out at once, no award follows, and the notice still goes out once its mailbox is back',
    async () => {
      await h.skipTo('2028-02-29');
      // Accepted in FY2028 Q3: its first award, 2028-07-15, is the fiscal year's last; the run then drains its handlers.
      const { accountId, handle, captainEmail } = await h.enrolled({ yearlyUsd: 3_000_000 });
      expect(await handle.query(stateQuery)).toMatchObject({ tier: 1, nextAwardDate: '2028-07-15' });
      const firstRun = (await handle.describe()).runId;

      await h.skipTo('2028-07-14', '23:59:00');
      // Kim's mailbox refuses mail: the replacement's notice to Kim retries, so that handler keeps running.
      const kim = { name: 'Kim Ode', email: `kim@${accountId.toLowerCase()}.example`, ccoId: 'kode' };
      smtp.refused.add(kim.email);
      const toKim = handle.executeUpdate(replaceCaptainUpdate, { args: [kim] });
      toKim.catch(() => undefined); // awaited below; before then it may only fail at teardown
      await expect
        .poll(() => h.db('notifications').where({ recipient: kim.email }).pluck('kind'), { timeout: 15_000 })
        .toEqual(['captain-appointed']);
      // Then Sam replaces Kim (Sam's mail flows): Sam receives the July award.
      const sam = { name: 'Sam Park', email: `sam@${accountId.toLowerCase()}.example`, ccoId: 'spark' };
      await handle.executeUpdate(replaceCaptainUpdate, { args: [sam] });

      await h.skipTo('2028-07-15', '00:02:00');
      await expect
        .poll(() => smtp.received.filter((m) => m.to.includes(sam.email)).map((m) => m.subject), { timeout: 30_000 })
        .toEqual([
          `You are now ${accountId} Corp's Customer Loyalty Team Captain`,
          `${accountId} Corp: 75 Learning Credits awarded for FY2028Q4`,
        ]);
      // The year's last award made: the run waits for Kim's handler before continuing as new.
      expect(await handle.query(stateQuery)).toMatchObject({ awardsMade: 1, nextAwardDate: '2028-10-15', state: 'enrolled' });
      expect((await handle.describe()).runId).toBe(firstRun);

      // Ops withdraw the account now. The answer comes at once, the account withdrawn.
      const withdrawn = await within(
        20_000,
        handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'contract ended', by: 'ops:test' }] }),
      );
      expect(withdrawn).not.toBe('no answer');
      expect(withdrawn as LoyaltyAccountState).toMatchObject({ state: 'withdrawn', nextAwardDate: null, awardsMade: 1 });
      await expect
        .poll(() => smtp.received.filter((m) => m.to.includes(sam.email)).map((m) => m.subject), { timeout: 15_000 })
        .toContain(`${accountId} Corp has been withdrawn from the Customer Loyalty Program`);
      expect(await h.db('accounts').where({ id: accountId }).first()).toMatchObject({ state: 'withdrawn', next_award_date: null });

      // Kim's mailbox is back: Kim's notice goes out once, Kim's update answers, and the run ends withdrawn.
      smtp.refused.delete(kim.email);
      await h.env.sleep(120_000);
      await expect.poll(async () => (await handle.describe()).status.name, { timeout: 30_000 }).toBe('COMPLETED');
      expect(await toKim).toMatchObject({ state: 'withdrawn', teamCaptain: sam });
      expect(smtp.received.filter((m) => m.to.includes(kim.email)).map((m) => m.subject)).toEqual([
        `You are now ${accountId} Corp's Customer Loyalty Team Captain`,
      ]);
      expect((await handle.describe()).runId).toBe(firstRun);
      expect(await h.awards(accountId)).toMatchObject([{ awardQuarter: 'FY2028Q4', credits: 75, issuedOn: '2028-07-15' }]);
      expect((await h.notices(accountId)).map((n) => `${n.kind} → ${n.recipient}`)).toEqual([
        `terms-waiting → ${captainEmail}`,
        `enrolled → ${captainEmail}`,
        `captain-appointed → ${kim.email}`,
        `captain-appointed → ${sam.email}`,
        `award → ${sam.email}`,
        `withdrawn → ${sam.email}`,
      ]);
    },
    150_000,
  );
});
