import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addYears, firstAwardDate, fiscalYearOf, nextAwardDateAfter } from '../../domain/calendar';
import { awardQuarterOf } from '../../domain/loyalty';
import {
  acceptTermsUpdate,
  publishTermsUpdate,
  recordBookingsUpdate,
  replaceCaptainUpdate,
  stateQuery,
  withdrawUpdate,
} from '../../workflows/loyaltyDefinitions';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Changes to a running account: a new Team Captain, new terms, withdrawal.
describe('loyalty account: captain, terms and withdrawal', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    // A start it names: these scenarios nominate with the three years before acceptance and record no
    // bookings after, so from a July or August start the August re-tier finds the year just ended missing
    // and LOY-6 holds the award until it is recorded (test:dates from 2027-07-31, 2027-08-31, 2028-02-29).
    // From this December start every date below still derives from h.startedOn.
    h = await workflowHarness({ startOn: '2026-12-15' });
  });
  afterAll(async () => h?.close());

  it('LOY-8: a replaced Team Captain is told, receives the next award, and the old one can no longer act', async () => {
    const { accountId, acceptedOn, handle } = await h.enrolled();
    const newCaptain = { name: 'Sam Park', email: `sam@${accountId.toLowerCase()}.example`, ccoId: 'spark' };
    const state = await handle.executeUpdate(replaceCaptainUpdate, { args: [newCaptain] });
    expect(state.teamCaptain).toEqual(newCaptain);
    await h.smtp.waitFor((m) => m.to.includes(newCaptain.email) && /now .*Team Captain/.test(m.subject));
    expect(await h.db('accounts').where({ id: accountId }).first()).toMatchObject({
      captain_cco_id: 'spark',
      captain_email: newCaptain.email,
    });

    const first = firstAwardDate(acceptedOn);
    await h.skipTo(first);
    const [lot] = await h.awards(accountId);
    expect(lot?.issuedOn).toBe(first); // awards continue
    expect(await h.db('credit_lots').where({ id: lot!.lotId }).first()).toMatchObject({ owner_email: newCaptain.email });
    await h.smtp.waitFor((m) => m.to.includes(newCaptain.email) && /Learning Credits awarded/.test(m.subject));

    await expect(handle.executeUpdate(publishTermsUpdate, { args: [{ version: 'T2' }] })).resolves.toMatchObject({ termsVersion: 'T2' });
    await expect(handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T2', ccoId: 'dlee' }] })).rejects.toMatchObject({
      cause: { type: 'Forbidden' },
    });
  });

  it('LOY-8: new terms must be accepted before the next award; until then the award is withheld', async () => {
    const { accountId, acceptedOn, captainEmail, handle } = await h.enrolled();
    await handle.executeUpdate(publishTermsUpdate, { args: [{ version: 'T2' }] });
    await h.smtp.waitFor((m) => m.to.includes(captainEmail) && m.subject.includes('(version T2) need your acceptance'));

    const first = firstAwardDate(acceptedOn);
    await h.skipTo(first);
    expect(await h.awards(accountId)).toEqual([]);
    await h.smtp.waitFor(
      (m) => m.to.includes(captainEmail) && m.subject.includes(`${awardQuarterOf(first)} award is waiting for the new terms`),
    );

    const accepted = await handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T2', ccoId: 'dlee' }] });
    expect(accepted.termsAccepted).toMatchObject({ version: 'T2', acceptedBy: 'dlee' });
    // LOY-6: the acceptance year's bookings on record, so an August re-tier before the second award (from
    // some start days) sets its tier rather than asking for them (a year not on record is never $0).
    const fiscalYear = fiscalYearOf(acceptedOn);
    await handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear, directUsd: 3_000_000, indirectUsd: 0 }] });
    const second = nextAwardDateAfter(first);
    await h.skipTo(second);
    expect((await h.awards(accountId)).map((a) => a.issuedOn)).toEqual([second]);
    const versions = await h.db('terms_acceptances').where({ account_id: accountId }).orderBy('terms_version').pluck('terms_version');
    expect(versions).toEqual(['T1', 'T2']);
  });

  it('LOY-9: after a withdrawal no award follows, and awarded credits keep their own expiry', async () => {
    const { accountId, acceptedOn, captainEmail, handle } = await h.enrolled();
    const first = firstAwardDate(acceptedOn);
    await h.skipTo(first);
    expect(await h.awards(accountId)).toHaveLength(1);

    const state = await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'contract ended', by: 'ops:test' }] });
    expect(state).toMatchObject({ state: 'withdrawn', nextAwardDate: null });
    // Poll, not result(): awaiting a result lets the test server skip time through the lots' timers.
    await expect.poll(async () => (await handle.describe()).status.name, { timeout: 15_000 }).toBe('COMPLETED');
    await h.smtp.waitFor((m) => m.to.includes(captainEmail) && /withdrawn/.test(m.subject));

    await h.skipTo(nextAwardDateAfter(nextAwardDateAfter(first)));
    const awards = await h.awards(accountId);
    expect(awards).toHaveLength(1);
    expect(awards[0]!.expiresOn).toBe(addYears(first, 1));
    await expect(handle.executeUpdate(replaceCaptainUpdate, { args: [{ name: 'X', email: 'x@x.example', ccoId: 'x' }] })).rejects.toThrow();
    expect(await h.db('accounts').where({ id: accountId }).first()).toMatchObject({ state: 'withdrawn', next_award_date: null });
  });

  it('LOY-4: a nomination can be withdrawn before acceptance, and terms cannot be accepted afterwards', async () => {
    const { handle } = await h.nominate();
    await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'duplicate', by: 'ops:test' }] });
    await expect(handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T1', ccoId: 'dlee' }] })).rejects.toThrow();
    expect((await handle.query(stateQuery)).state).toBe('withdrawn');
  });
});
