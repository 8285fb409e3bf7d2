import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IsoDate } from '../../domain/calendar';
import * as messages from '../../workflows/certificationDefinitions';
import { applyForCertification, fullRequirements } from '../helpers/certification';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// CERT-4's customer satisfaction measurements, each January and July, from a day the suite names (each
// test later than the one before, as the suite's clock only moves forward). Every date is written out.
describe('Premier Certification: customer satisfaction', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2027-01-04' });
  });
  afterAll(async () => h?.close());

  const outOfCompliance = 'Premier Certification out of compliance: customer satisfaction (US)';
  type Cert = Awaited<ReturnType<typeof applyForCertification>>;

  async function approved(again?: Cert) {
    const c = await applyForCertification(h.env, h.db, h.taskQueue, again);
    await c.handle.executeUpdate(messages.decideCertificationUpdate, { args: [{ approve: true, by: 'ops:test' }] });
    return c;
  }
  const renew = async (c: Cert) =>
    (await c.handle.executeUpdate(messages.renewCertificationUpdate, { args: [fullRequirements()] })).anniversary;
  /** Ops record `count` responses received on `receivedOn`, and (when given) whether that period's Low Score Follow-Up is done. */
  const responses = (c: Cert, count: number, receivedOn: IsoDate, lowScoreFollowUpDone?: boolean) =>
    c.handle.executeUpdate(messages.csatResponsesUpdate, { args: [{ count, receivedOn, lowScoreFollowUpDone }] });
  const stateOf = (c: Cert) => c.handle.query(messages.certificationStateQuery);
  const mailsTo = (c: Cert, subject: string) => h.smtp.received.filter((m) => m.to.includes(c.partnerEmail) && m.subject === subject);

  it('CERT-4: responses received in the future, or too long ago to count for any measurement ahead, are refused at receivedOn', async () => {
    const c = await approved(); // 2027-01-04: its first measurement is 2028-07-01
    await h.skipTo('2027-03-01');
    await expect(responses(c, 5, '2027-03-02', true)).rejects.toMatchObject({
      cause: { type: 'Invalid', details: [{ field: 'receivedOn', message: 'must not be after today (2027-03-01)' }] },
    });
    await expect(responses(c, 5, '2026-06-30', true)).rejects.toMatchObject({
      cause: {
        type: 'Invalid',
        details: [
          {
            field: 'receivedOn',
            message: 'counts for no measurement still to come (the next, on 2027-07-01, counts those received from 2026-07-02)',
          },
        ],
      },
    });
    expect(await responses(c, 5, '2027-03-01', true)).toMatchObject({ csatResponses: [{ on: '2027-03-01', count: 5 }] });
    expect(await responses(c, 2, '2026-07-02')).toMatchObject({
      csatResponses: [
        { on: '2026-07-02', count: 2 },
        { on: '2027-03-01', count: 5 },
      ],
    });
  });

  it('CERT-4: a response counts on the day it was received: entered after a measurement, it counts for the next whose 12 months hold it, and no later one', async () => {
    const c = await approved(); // 2027-03-01, anniversary 2028-03-01; first measurement after 12 full months: 2028-07-01
    await h.skipTo('2027-12-15');
    expect(await renew(c)).toBe('2029-03-01');
    await h.skipTo('2028-06-20');
    await responses(c, 12, '2028-06-18', true);
    await h.skipTo('2028-07-01');
    expect((await stateOf(c)).measurements).toEqual([{ on: '2028-07-01', passed: true, shortfalls: [] }]);
    await h.skipTo('2028-07-10');
    await responses(c, 6, '2028-06-28'); // received before the measurement of 2028-07-01, entered after it
    await h.skipTo('2028-10-01');
    await responses(c, 1, '2028-10-01', true);
    await h.skipTo('2028-12-15');
    expect(await renew(c)).toBe('2030-03-01');
    await h.skipTo('2029-01-01'); // 12 months from 2028-01-02: 12 + 6 + 1
    expect((await stateOf(c)).measurements.at(-1)).toEqual({ on: '2029-01-01', passed: true, shortfalls: [] });
    await h.skipTo('2029-02-01');
    await responses(c, 3, '2029-02-01', true);
    await h.skipTo('2029-07-01'); // 12 months from 2028-07-02: 1 + 3; the 6 of 2028-06-28 no longer count
    expect((await stateOf(c)).measurements).toEqual([
      { on: '2028-07-01', passed: true, shortfalls: [] },
      { on: '2029-01-01', passed: true, shortfalls: [] },
      { on: '2029-07-01', passed: false, shortfalls: ['4 survey responses, 10 needed'] },
    ]);
    const told = await h.smtp.waitFor((m) => m.to.includes(c.partnerEmail) && m.subject === outOfCompliance);
    expect(told.text).toContain('The customer satisfaction measurement fell short: 4 survey responses, 10 needed.');
    expect(mailsTo(c, outOfCompliance)).toHaveLength(1);
  });

  it('CERT-4: the Low Score Follow-Up is done for each measurement period: one done in the first period does not pass the second', async () => {
    await h.skipTo('2030-01-04');
    const c = await approved(); // anniversary 2031-01-04; first measurement 2031-07-01
    await h.skipTo('2030-12-01');
    expect(await renew(c)).toBe('2032-01-04');
    await h.skipTo('2031-02-01');
    await responses(c, 12, '2031-02-01', true);
    await h.skipTo('2031-08-01');
    await responses(c, 5, '2031-08-01'); // nothing said of this period's follow-up
    await h.skipTo('2032-01-01');
    expect((await stateOf(c)).measurements).toEqual([
      { on: '2031-07-01', passed: true, shortfalls: [] },
      { on: '2032-01-01', passed: false, shortfalls: ['the Low Score Follow-Up is not done'] },
    ]);
    const told = await h.smtp.waitFor((m) => m.to.includes(c.partnerEmail) && m.subject === outOfCompliance);
    expect(told.text).toContain('The customer satisfaction measurement fell short: the Low Score Follow-Up is not done.');
  });

  it('CERT-4: a partner re-applying within six months keeps the responses it had and is measured on its next measurement date with them', async () => {
    await h.skipTo('2033-01-04');
    const first = await approved(); // anniversary 2034-01-04; first measurement 2034-07-01
    await h.skipTo('2033-12-01');
    expect(await renew(first)).toBe('2035-01-04');
    await h.skipTo('2034-02-01');
    await responses(first, 12, '2034-02-01', true);
    await h.skipTo('2034-08-01');
    await responses(first, 8, '2034-08-01', true);
    await h.skipTo('2034-09-01');
    await first.handle.executeUpdate(messages.revokeUpdate, { args: [{ reason: 'resale agreement lapsed', by: 'ops:test' }] });
    await h.skipTo('2034-10-01'); // a month on: not new
    const again = await approved(first);
    // The approval answers at once; the earlier record is joined as the approval is recorded, before the approved email.
    await h.smtp.waitFor(
      (m) => m.to.includes(again.partnerEmail) && m.subject === 'Premier Certification approved (US)' && m.text.includes('2035-10-01'),
    );
    const s = await stateOf(again);
    expect(s).toMatchObject({ state: 'approved', certifiedOn: '2034-10-01', anniversary: '2035-10-01', measurements: [] });
    expect(s.csatResponses).toEqual([
      { on: '2034-02-01', count: 12 },
      { on: '2034-08-01', count: 8 },
    ]);
    expect(s.firstCsatOn).toBe('2035-01-01');
    await h.skipTo('2035-01-01'); // 12 months from 2034-01-02: 12 + 8, the period's follow-up done on 2034-08-01
    expect((await stateOf(again)).measurements).toEqual([{ on: '2035-01-01', passed: true, shortfalls: [] }]);
    expect(mailsTo(again, outOfCompliance)).toEqual([]);
  });

  it('CERT-4: a certification keeps a year of its record: five years on it holds the last 12 months of responses and its last four measurements', async () => {
    await h.skipTo('2036-01-04');
    const c = await approved(); // anniversary 2037-01-04; first measurement 2037-07-01
    for (const year of [2036, 2037, 2038, 2039, 2040]) {
      await h.skipTo(`${year}-02-01`);
      await responses(c, 6, `${year}-02-01`, true);
      await h.skipTo(`${year}-12-01`);
      await responses(c, 6, `${year}-12-01`, true);
      expect(await renew(c)).toBe(`${year + 2}-01-04`);
    }
    await h.skipTo('2041-01-02');
    const s = await stateOf(c);
    expect(s.csatResponses).toEqual([
      { on: '2040-02-01', count: 6 },
      { on: '2040-12-01', count: 6 },
    ]);
    expect(s.lowScoreFollowUps).toEqual([{ period: '2041-01-01', done: true }]);
    expect(s.measurements).toEqual([
      { on: '2039-07-01', passed: true, shortfalls: [] },
      { on: '2040-01-01', passed: true, shortfalls: [] },
      { on: '2040-07-01', passed: true, shortfalls: [] },
      { on: '2041-01-01', passed: true, shortfalls: [] },
    ]);
    expect(mailsTo(c, outOfCompliance)).toEqual([]);
  });
});
