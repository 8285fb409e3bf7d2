import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticesFor } from '../../db/notifications';
import { findAccount } from '../../db/loyaltyReads';
import { addDays, firstAwardDate } from '../../domain/calendar';
import { loyaltyAccount } from '../../workflows/loyalty';
import {
  acceptTermsUpdate,
  defaultLoyaltySettings,
  loyaltyWorkflowId,
  stateQuery,
  withdrawUpdate,
} from '../../workflows/loyaltyDefinitions';
import { createTestDatabase } from '../helpers/db';
import { nominationFor } from '../helpers/fixtures';
import { startSmtpServer } from '../helpers/smtp';
import { startWorker, timeSkippingEnv, uniqueId, uniqueTaskQueue } from '../helpers/temporal';

// Nomination to enrollment on the time-skipping server, with a real worker, Postgres and SMTP.
describe('loyalty account: nomination and terms', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const taskQueue = uniqueTaskQueue();

  beforeAll(async () => {
    [env, database, smtp] = await Promise.all([timeSkippingEnv(), createTestDatabase(), startSmtpServer()]);
    worker = await startWorker(env, { db: database.db, smtpUrl: smtp.url, taskQueue });
  });

  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
    await smtp?.close();
    await database?.drop();
  });

  const today = async () => new Date(await env.currentTimeMs()).toISOString().slice(0, 10);

  async function nominate() {
    const accountId = uniqueId('G');
    const nominatedOn = await today();
    const handle = await env.client.workflow.start(loyaltyAccount, {
      workflowId: loyaltyWorkflowId(accountId),
      taskQueue,
      args: [
        {
          accountId,
          nomination: nominationFor(nominatedOn, { group: accountId }),
          nominatedBy: 'account-manager:test',
          nominatedOn,
          termsVersion: 'T1',
          settings: defaultLoyaltySettings,
        },
      ],
    });
    return { accountId, nominatedOn, handle, captainEmail: `captain@${accountId.toLowerCase()}.example` };
  }

  it('LOY-4: the Team Captain is emailed that the terms are waiting, and the account is in Postgres', async () => {
    const { accountId, handle, captainEmail } = await nominate();
    const mail = await smtp.waitFor((m) => m.to.includes(captainEmail) && /terms are waiting/.test(m.subject));
    expect(mail.text).toContain('version T1');
    expect(mail.messageId).toBe(`<account-${accountId}:terms-waiting@cisco-programs.local>`);
    const account = await findAccount(database.db, accountId);
    expect(account).toMatchObject({ id: accountId, state: 'nominated', captainCcoId: 'dlee' });
    expect((await handle.query(stateQuery)).state).toBe('nominated');
  });

  it('LOY-4: an unaccepted nomination is reminded every 14 days and lapses on day 90', async () => {
    const { accountId, nominatedOn, handle, captainEmail } = await nominate();
    const final = await handle.result(); // time skips to the lapse
    expect(final.state).toBe('lapsed');
    expect(final.lapsesOn).toBe(addDays(nominatedOn, 90));
    expect(final.remindersSent).toBe(6); // days 14, 28, 42, 56, 70, 84
    const kinds = (await noticesFor(database.db, accountId)).map((n) => n.kind);
    expect(kinds).toEqual(['terms-waiting', ...Array(6).fill('terms-reminder'), 'lapsed']);
    await smtp.waitFor((m) => m.to.includes(captainEmail) && /has lapsed/.test(m.subject));
    expect(smtp.received.filter((m) => m.to.includes(captainEmail))).toHaveLength(8);
    expect((await findAccount(database.db, accountId))?.state).toBe('lapsed');
  });

  it('LOY-4: acceptance by the Team Captain enrolls the account; first award in the next quarter', async () => {
    const { accountId, handle } = await nominate();
    await env.sleep('20 days');
    const acceptedOn = await today();
    const state = await handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T1', ccoId: 'dlee' }] });
    expect(state.state).toBe('enrolled');
    expect(state.termsAccepted).toEqual({ version: 'T1', acceptedBy: 'dlee', acceptedOn });
    expect(state.nextAwardDate).toBe(firstAwardDate(acceptedOn));
    expect(state.remindersSent).toBe(1);
    const row = await database.db('terms_acceptances').where({ account_id: accountId }).first();
    expect(row).toMatchObject({ terms_version: 'T1', accepted_by: 'dlee', accepted_on: acceptedOn });
  });

  it('LOY-4: acceptance of a stale terms version or by someone else is refused and changes nothing', async () => {
    const { handle } = await nominate();
    await expect(handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T0', ccoId: 'dlee' }] })).rejects.toMatchObject({
      cause: { type: 'Invalid', message: expect.stringMatching(/not the current version/) },
    });
    await expect(handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T1', ccoId: 'intruder' }] })).rejects.toMatchObject({
      cause: { type: 'Forbidden', message: expect.stringMatching(/only the account's Team Captain/) },
    });
    expect((await handle.query(stateQuery)).state).toBe('nominated');
  });

  it('LOY-9: ops withdraws a nominated account; it is told and the workflow closes', async () => {
    const { accountId, handle, captainEmail } = await nominate();
    const state = await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'customer request', by: 'ops:test' }] });
    expect(state.state).toBe('withdrawn');
    expect((await handle.result()).state).toBe('withdrawn');
    await smtp.waitFor((m) => m.to.includes(captainEmail) && /withdrawn/.test(m.subject));
    expect((await findAccount(database.db, accountId))?.state).toBe('withdrawn');
  });
});
