import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IsoDate } from '../../domain/calendar';
import * as messages from '../../workflows/certificationDefinitions';
import { applyForCertification, fullRequirements } from '../helpers/certification';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// A customer satisfaction shortfall and the renewal (CERT-3), and a shortfall found while an extension runs
// (CERT-5), from a day the suite names (each test later than the one before). Every date is written out.
describe('Premier Certification: shortfalls, renewals and extensions', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2027-01-04' });
  });
  afterAll(async () => h?.close());

  type Cert = Awaited<ReturnType<typeof applyForCertification>>;
  const by = 'ops:test';
  async function approved() {
    const c = await applyForCertification(h.env, h.db, h.taskQueue);
    await c.handle.executeUpdate(messages.decideCertificationUpdate, { args: [{ approve: true, by }] });
    return c;
  }
  const renew = (c: Cert) => c.handle.executeUpdate(messages.renewCertificationUpdate, { args: [fullRequirements()] });
  const responses = (c: Cert, count: number, receivedOn: IsoDate) =>
    c.handle.executeUpdate(messages.csatResponsesUpdate, { args: [{ count, receivedOn, lowScoreFollowUpDone: true }] });
  const stateOf = (c: Cert) => c.handle.query(messages.certificationStateQuery);
  const revoke = (c: Cert, reason: string) => c.handle.executeUpdate(messages.revokeUpdate, { args: [{ reason, by }] });

  it('CERT-3: a renewal with a customer satisfaction shortfall open is refused naming it; once compliant again it is accepted', async () => {
    const marked = await approved(); // anniversary 2028-01-04; first measurement after 12 full months: 2028-07-01
    const measured = await approved();
    await h.skipTo('2027-11-01');
    for (const c of [marked, measured]) expect((await renew(c)).anniversary).toBe('2029-01-04');
    await h.skipTo('2028-03-01');
    for (const c of [marked, measured]) await responses(c, 4, '2028-03-01');
    await h.skipTo('2028-07-01');
    for (const c of [marked, measured])
      expect((await stateOf(c)).measurements).toEqual([{ on: '2028-07-01', passed: false, shortfalls: ['4 survey responses, 10 needed'] }]);
    await h.skipTo('2028-08-01');
    for (const c of [marked, measured]) await responses(c, 8, '2028-08-01');

    await h.skipTo('2028-10-10'); // Re-Cert since 2028-10-06
    for (const c of [marked, measured]) {
      const refusal = await renew(c).catch((e) => e.cause);
      expect(refusal).toMatchObject({
        type: 'Invalid',
        message: '1 requirement(s) not met',
        details: [
          { field: 'customerSatisfaction', message: 'customer satisfaction fell short on 2028-07-01: 4 survey responses, 10 needed' },
        ],
      });
      expect(await stateOf(c)).toMatchObject({ state: 're-cert', anniversary: '2029-01-04' });
    }
    // Every requirement missed is named at once, customer satisfaction among them.
    const lacking = await marked.handle
      .executeUpdate(messages.renewCertificationUpdate, { args: [{ ...fullRequirements(), preSalesSupport: false }] })
      .catch((e) => e.cause);
    expect(lacking.details.map((d: { field: string }) => d.field)).toEqual(['preSalesSupport', 'customerSatisfaction']);

    // Ops record it compliant again: the renewal is accepted.
    await h.skipTo('2028-10-15');
    await marked.handle.executeUpdate(messages.markCompliantUpdate, { args: [{ by }] });
    expect(await renew(marked)).toMatchObject({ state: 'approved', anniversary: '2030-01-04' });
    // The next measurement passes (12 responses in the 12 months to 2029-01-01): the shortfall is closed.
    await h.skipTo('2029-01-01');
    expect((await stateOf(measured)).measurements.at(-1)).toEqual({ on: '2029-01-01', passed: true, shortfalls: [] });
    await h.skipTo('2029-01-10');
    expect(await renew(measured)).toMatchObject({ state: 'approved', anniversary: '2030-01-04' });
  });

  it('CERT-5: a granted extension stands until its date: later shortfalls are recorded beside it, and ops revoke only at its end', async () => {
    await h.skipTo('2030-01-04');
    const c = await approved(); // anniversary 2031-01-04; first measurement 2031-07-01
    await h.skipTo('2030-11-01');
    expect((await renew(c)).anniversary).toBe('2032-01-04');
    await h.skipTo('2031-06-01');
    await c.handle.executeUpdate(messages.nonComplianceNoticeUpdate, { args: [{ reason: '8x5 support lapsed', awareOn: '2031-05-25' }] });
    await c.handle.executeUpdate(messages.grantExtensionUpdate, { args: [{ until: '2031-08-31', by }] });
    await h.skipTo('2031-07-01'); // no responses: the measurement falls short while the extension runs
    await h.smtp.waitFor(
      (m) => m.to.includes(c.partnerEmail) && m.subject === 'Premier Certification out of compliance: customer satisfaction (US)',
    );
    await h.skipTo('2031-07-10');
    await c.handle.executeUpdate(messages.nonComplianceNoticeUpdate, { args: [{ reason: 'pre-sales team left', awareOn: '2031-07-08' }] });
    expect((await stateOf(c)).nonCompliance).toEqual({
      reason: '8x5 support lapsed',
      awareOn: '2031-05-25',
      noticeOn: '2031-06-01',
      timely: true,
      extensionUntil: '2031-08-31',
      later: [
        {
          reason: 'customer satisfaction on 2031-07-01: 0 survey responses, 10 needed; the Low Score Follow-Up is not done',
          awareOn: '2031-07-01',
          noticeOn: '2031-07-01',
          timely: true,
        },
        { reason: 'pre-sales team left', awareOn: '2031-07-08', noticeOn: '2031-07-10', timely: true },
      ],
    });
    await expect(revoke(c, 'customer satisfaction')).rejects.toMatchObject({
      cause: { type: 'Conflict', message: 'the compliance extension runs until 2031-08-31' },
    });
    await h.skipTo('2031-08-31');
    await expect(revoke(c, 'customer satisfaction')).rejects.toMatchObject({ cause: { type: 'Conflict' } });

    await h.skipTo('2031-09-01'); // the extension has ended: ops is asked, told of all three
    const asked = await h.smtp.waitFor((m) => m.to.includes('ops@test.example') && m.subject.includes(c.partnerId));
    expect(asked.subject).toBe(`Premier Certification ${c.partnerId} (US): the compliance extension has ended, confirm or revoke`);
    expect(asked.text).toContain(
      'ended on 2031-08-31 (8x5 support lapsed); found since: customer satisfaction on 2031-07-01: 0 survey responses, 10 needed; ' +
        'the Low Score Follow-Up is not done; pre-sales team left',
    );
    expect(await revoke(c, 'still out of compliance')).toMatchObject({ state: 'revoked', endedOn: '2031-09-01' });
  });
});
