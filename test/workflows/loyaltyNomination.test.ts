import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticesFor } from '../../db/notifications';
import { findAccount } from '../../db/loyaltyReads';
import { addDays, firstAwardDate } from '../../domain/calendar';
import { acceptTermsUpdate, stateQuery, withdrawUpdate } from '../../workflows/loyaltyDefinitions';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Nomination to enrollment on the time-skipping server, with a real worker, Postgres and SMTP.
describe('loyalty account: nomination and terms', () => {
  let h: WorkflowHarness;

  beforeAll(async () => {
    h = await workflowHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('LOY-4: the Team Captain is emailed that the terms are waiting, and the account is in Postgres', async () => {
    const { accountId, handle, captainEmail } = await h.nominate();
    const mail = await h.smtp.waitFor((m) => m.to.includes(captainEmail) && /terms are waiting/.test(m.subject));
    expect(mail.text).toContain('version T1');
    expect(mail.messageId).toBe(`<account-${accountId}:terms-waiting@cisco-programs.local>`);
    const account = await findAccount(h.db, accountId);
    expect(account).toMatchObject({ id: accountId, state: 'nominated', captainCcoId: 'dlee' });
    expect((await handle.query(stateQuery)).state).toBe('nominated');
  });

  it('LOY-4: an unaccepted nomination is reminded every 14 days and lapses on day 90', async () => {
    const { accountId, nominatedOn, handle, captainEmail } = await h.nominate();
    const final = await handle.result(); // time skips to the lapse
    expect(final.state).toBe('lapsed');
    expect(final.lapsesOn).toBe(addDays(nominatedOn, 90));
    expect(final.remindersSent).toBe(6); // days 14, 28, 42, 56, 70, 84
    const kinds = (await noticesFor(h.db, accountId)).map((n) => n.kind);
    expect(kinds).toEqual(['terms-waiting', ...Array(6).fill('terms-reminder'), 'lapsed']);
    await h.smtp.waitFor((m) => m.to.includes(captainEmail) && /has lapsed/.test(m.subject));
    expect(h.smtp.received.filter((m) => m.to.includes(captainEmail))).toHaveLength(8);
    expect((await findAccount(h.db, accountId))?.state).toBe('lapsed');
  });

  it('LOY-4: acceptance by the Team Captain enrolls the account; first award in the next quarter', async () => {
    const { accountId, handle } = await h.nominate();
    await h.env.sleep('20 days');
    const acceptedOn = await h.today();
    const state = await handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T1', ccoId: 'dlee' }] });
    expect(state.state).toBe('enrolled');
    expect(state.termsAccepted).toEqual({ version: 'T1', acceptedBy: 'dlee', acceptedOn });
    expect(state.nextAwardDate).toBe(firstAwardDate(acceptedOn));
    expect(state.remindersSent).toBe(1);
    const row = await h.db('terms_acceptances').where({ account_id: accountId }).first();
    expect(row).toMatchObject({ terms_version: 'T1', accepted_by: 'dlee', accepted_on: acceptedOn });
  });

  it('LOY-4: acceptance of a stale terms version or by someone else is refused and changes nothing', async () => {
    const { handle } = await h.nominate();
    await expect(handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T0', ccoId: 'dlee' }] })).rejects.toMatchObject({
      cause: { type: 'Invalid', message: expect.stringMatching(/not the current version/) },
    });
    await expect(handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T1', ccoId: 'intruder' }] })).rejects.toMatchObject({
      cause: { type: 'Forbidden', message: expect.stringMatching(/only the account's Team Captain/) },
    });
    expect((await handle.query(stateQuery)).state).toBe('nominated');
  });

  it('LOY-9: ops withdraws a nominated account; it is told and the workflow closes', async () => {
    const { accountId, handle, captainEmail } = await h.nominate();
    const state = await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'customer request', by: 'ops:test' }] });
    expect(state.state).toBe('withdrawn');
    expect((await handle.result()).state).toBe('withdrawn');
    await h.smtp.waitFor((m) => m.to.includes(captainEmail) && /withdrawn/.test(m.subject));
    expect((await findAccount(h.db, accountId))?.state).toBe('withdrawn');
  });
});
