import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IsoDate } from '../../domain/calendar';
import * as messages from '../../workflows/certificationDefinitions';
import { applyForCertification, fullRequirements, mailTimeline } from '../helpers/certification';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Premier Certification walked through its renewal cycles on the time-skipping server, from a day the suite
// names (each test later than the one before, as the suite's clock only moves forward). Every expected date
// is written out by hand.
describe('Premier Certification', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2027-01-04' });
  });
  afterAll(async () => h?.close());

  const subjects = {
    approved: 'Premier Certification approved (US)',
    open: 'Premier Certification: renewal is open (US)',
    reminder: 'Reminder: renew your Premier Certification (US)',
    renewed: 'Premier Certification renewed (US)',
    lost: 'Premier Certification lost (US)',
    outOfCompliance: 'Premier Certification out of compliance: customer satisfaction (US)',
  };

  async function approved() {
    const c = await applyForCertification(h.env, h.db, h.taskQueue);
    const state = await c.handle.executeUpdate(messages.decideCertificationUpdate, { args: [{ approve: true, by: 'ops:test' }] });
    return { ...c, anniversary: state.anniversary };
  }
  type Cert = Awaited<ReturnType<typeof applyForCertification>>;
  const stateOf = async (c: Cert) => (await c.handle.query(messages.certificationStateQuery)).state;
  const renew = (c: Cert) => c.handle.executeUpdate(messages.renewCertificationUpdate, { args: [fullRequirements()] });
  /** Survey responses received on `receivedOn` (entered that day), the period's Low Score Follow-Up done. */
  const responses = (c: Cert, count: number, receivedOn: IsoDate) =>
    c.handle.executeUpdate(messages.csatResponsesUpdate, { args: [{ count, receivedOn, lowScoreFollowUpDone: true }] });
  const mailsTo = (email: string, subject: string) => h.smtp.received.filter((m) => m.to.includes(email) && m.subject === subject);

  it('CERT-2, CERT-3: two cycles: Re-Cert on the 90th day before, renewal on the last day, lost on the 31st day after', async () => {
    const c = await applyForCertification(h.env, h.db, h.taskQueue);
    const mail = mailTimeline(h, c.partnerEmail, '2027-01-04');
    const decided = await c.handle.executeUpdate(messages.decideCertificationUpdate, { args: [{ approve: true, by: 'ops:test' }] });
    expect(decided.anniversary).toBe('2028-01-04');
    await h.smtp.waitFor((m) => m.to.includes(c.partnerEmail) && m.subject === subjects.approved);
    await mail.at('2027-01-04', '2027-10-05');
    expect(await stateOf(c)).toBe('approved');
    await mail.at('2027-10-06');
    expect(await stateOf(c)).toBe('re-cert');
    await mail.at('2027-11-04', '2027-11-05', '2027-12-04', '2027-12-05', '2028-01-26', '2028-01-27', '2028-02-03'); // the last day a renewal counts
    expect(await stateOf(c)).toBe('re-cert');
    expect(await renew(c)).toMatchObject({ state: 'approved', anniversary: '2029-01-04' });
    await h.smtp.waitFor((m) => m.to.includes(c.partnerEmail) && m.subject === subjects.renewed);
    await mail.at('2028-02-03'); // dates the renewed email, without moving the clock

    // The second cycle, measured each January and July from the first measurement after 12 full months (2028-07-01).
    await mail.at('2028-02-05');
    await responses(c, 12, '2028-02-05');
    await mail.at('2028-08-01');
    await responses(c, 10, '2028-08-01');
    await mail.at('2028-10-05');
    expect(await stateOf(c)).toBe('approved');
    await mail.at('2028-10-06');
    expect(await stateOf(c)).toBe('re-cert');
    await mail.at('2028-11-04', '2028-11-05', '2028-12-04', '2028-12-05', '2029-01-26', '2029-01-27', '2029-02-03');
    expect(await stateOf(c)).toBe('re-cert');
    expect((await c.handle.query(messages.certificationStateQuery)).measurements).toEqual([
      { on: '2028-07-01', passed: true, shortfalls: [] },
      { on: '2029-01-01', passed: true, shortfalls: [] },
    ]);
    await mail.at('2029-02-04');
    expect(await stateOf(c)).toBe('lapsed');
    expect(mail.entries).toEqual([
      ['2027-01-04', subjects.approved],
      ['2027-10-06', subjects.open],
      ['2027-11-05', subjects.reminder],
      ['2027-12-05', subjects.reminder],
      ['2028-01-27', subjects.reminder],
      ['2028-02-03', subjects.renewed],
      ['2028-10-06', subjects.open],
      ['2028-11-05', subjects.reminder],
      ['2028-12-05', subjects.reminder],
      ['2029-01-27', subjects.reminder],
      ['2029-02-04', subjects.lost],
    ]);
    expect(await h.db('certifications').where({ id: c.id }).first()).toMatchObject({ state: 'lapsed', anniversary: '2029-01-04' });
  });

  it('CERT-1, CERT-3: a renewal that misses requirements is refused with every one listed; outside the window too', async () => {
    await h.skipTo('2029-03-01');
    const c = await approved();
    expect(c.anniversary).toBe('2030-03-01');
    await expect(renew(c)).rejects.toMatchObject({
      cause: { type: 'Conflict', message: 'renewal is open from 2029-12-01 to 2030-03-31; the certification is approved' },
    });
    await h.skipTo('2030-02-19');
    const lacking = { ...fullRequirements(), specializations: [], hybridItService: null, preSalesSupport: false };
    const refusal = await c.handle.executeUpdate(messages.renewCertificationUpdate, { args: [lacking] }).catch((e) => e.cause);
    expect(refusal.type).toBe('Invalid');
    expect(refusal.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'hybridItService.type',
      'preSalesSupport',
      'specializations',
    ]);
    expect(await stateOf(c)).toBe('re-cert');
  });

  it('CERT-1: ops may refuse an application; it ends there', async () => {
    const c = await applyForCertification(h.env, h.db, h.taskQueue);
    await c.handle.executeUpdate(messages.decideCertificationUpdate, { args: [{ approve: false, by: 'ops:test' }] });
    // Through the client that does not skip time while it waits (the suite's next test has its own dates).
    expect((await h.steadyClient.workflow.getHandle(c.handle.workflowId).result()).state).toBe('refused');
    expect(await h.db('certifications').where({ id: c.id }).first()).toMatchObject({ state: 'refused' });
  });

  it('CERT-4: the first measurement after 12 full months needs 10 responses; short, the certification is out of compliance', async () => {
    await h.skipTo('2030-03-03');
    const passing = await approved();
    const failing = await approved();
    // Renewed in the Re-Cert window: the first measurement after 12 full months (2031-07-01) comes after the anniversary.
    await h.skipTo('2031-02-01');
    for (const c of [passing, failing]) {
      expect(await renew(c)).toMatchObject({ anniversary: '2032-03-03', measurements: [] }); // none on 2030-07-01 or 2031-01-01
    }
    // Responses count from the 12 months before the measurement date.
    await h.skipTo('2031-05-22');
    await responses(passing, 10, '2031-05-22');
    await responses(failing, 9, '2031-05-22');
    await h.skipTo('2031-07-01');
    const p = await passing.handle.query(messages.certificationStateQuery);
    const f = await failing.handle.query(messages.certificationStateQuery);
    expect(p.measurements).toEqual([{ on: '2031-07-01', passed: true, shortfalls: [] }]);
    expect(p.nonCompliance).toBeNull();
    expect(f.measurements).toEqual([{ on: '2031-07-01', passed: false, shortfalls: ['9 survey responses, 10 needed'] }]);
    expect(f.nonCompliance?.reason).toBe('customer satisfaction on 2031-07-01: 9 survey responses, 10 needed');
    const told = await h.smtp.waitFor((m) => m.to.includes(failing.partnerEmail) && m.subject === subjects.outOfCompliance);
    expect(told.text).toContain('The customer satisfaction measurement fell short: 9 survey responses, 10 needed.');
    expect(mailsTo(passing.partnerEmail, subjects.outOfCompliance)).toEqual([]);
  });

  it('CERT-4: a partner moving from Premier to Gold needs 30 responses at the first measurement after six full months', async () => {
    await h.skipTo('2031-08-01');
    const c = await approved();
    await c.handle.executeUpdate(messages.moveToGoldUpdate, { args: [{ by: 'ops:test' }] });
    await h.skipTo('2032-06-01');
    await responses(c, 29, '2032-06-01');
    await h.skipTo('2032-07-01'); // six full months to 2032-02-01; no measurement on 2032-01-01
    const state = await c.handle.query(messages.certificationStateQuery);
    expect(state.measurements).toEqual([{ on: '2032-07-01', passed: false, shortfalls: ['29 survey responses, 30 needed'] }]);
  });

  it('CERT-5: timely notice earns an extension; compliant by then it stays certified, otherwise ops is asked at its end and decides', async () => {
    await h.skipTo('2032-09-01');
    const kept = await approved();
    const lost = await approved();
    for (const c of [kept, lost]) {
      await c.handle.executeUpdate(messages.nonComplianceNoticeUpdate, { args: [{ reason: '8x5 support lapsed', awareOn: '2032-08-12' }] });
      await c.handle.executeUpdate(messages.grantExtensionUpdate, { args: [{ until: '2032-10-01', by: 'ops:test' }] });
    }
    await expect(lost.handle.executeUpdate(messages.revokeUpdate, { args: [{ reason: 'x', by: 'ops' }] })).rejects.toMatchObject({
      cause: { type: 'Conflict', message: 'the compliance extension runs until 2032-10-01' },
    });
    await h.skipTo('2032-09-11');
    await kept.handle.executeUpdate(messages.markCompliantUpdate, { args: [{ by: 'ops:test' }] });
    await h.skipTo('2032-10-02');
    expect(await stateOf(kept)).toBe('approved');
    // The service no longer revokes by itself: ops is asked, and the certification stays until ops decides.
    expect(await stateOf(lost)).toBe('approved');
    const asked = await h.smtp.waitFor((m) => m.to.includes('ops@test.example') && m.subject.includes(lost.partnerId));
    expect(asked.subject).toBe(`Premier Certification ${lost.partnerId} (US): the compliance extension has ended, confirm or revoke`);
    expect(asked.text).toContain('ended on 2032-10-01 (8x5 support lapsed)');
    expect(h.smtp.received.filter((m) => m.to.includes(lost.partnerEmail) && /revoked/.test(m.subject))).toEqual([]);
    expect(h.smtp.received.filter((m) => m.subject.includes(kept.partnerId))).toEqual([]);
    await h.skipTo('2032-10-11');
    expect(await stateOf(lost)).toBe('approved');
    const revoked = await lost.handle.executeUpdate(messages.revokeUpdate, { args: [{ reason: 'still no 8x5 support', by: 'ops:test' }] });
    expect(revoked).toMatchObject({ state: 'revoked', endedOn: '2032-10-11' });
    const told = await h.smtp.waitFor((m) => m.to.includes(lost.partnerEmail) && m.subject === 'Premier Certification revoked (US)');
    expect(told.text).toContain('The certification is revoked: still no 8x5 support.');
  });

  it('CERT-5: late notice lets ops refuse an extension, not forbids one; refused, ops may revoke at once', async () => {
    await h.skipTo('2032-11-01');
    const extended = await approved();
    const refused = await approved();
    for (const c of [extended, refused]) {
      const { nonCompliance } = await c.handle.executeUpdate(messages.nonComplianceNoticeUpdate, {
        args: [{ reason: 'resale agreement expired', awareOn: '2032-10-01' }], // 31 days ago
      });
      expect(nonCompliance?.timely).toBe(false);
    }
    const granted = await extended.handle.executeUpdate(messages.grantExtensionUpdate, { args: [{ until: '2032-12-01', by: 'ops' }] });
    expect(granted.nonCompliance?.extensionUntil).toBe('2032-12-01');
    const revoked = await refused.handle.executeUpdate(messages.revokeUpdate, { args: [{ reason: 'no timely notice', by: 'ops:test' }] });
    expect(revoked.state).toBe('revoked');
    expect(await h.db('certifications').where({ id: refused.id }).first()).toMatchObject({ state: 'revoked', ended_on: '2032-11-01' });
  });

  it('CERT-5: ops may revoke a partner that never notified', async () => {
    const c = await approved();
    const revoked = await c.handle.executeUpdate(messages.revokeUpdate, {
      args: [{ reason: 'no pre-sales support found', by: 'ops:test' }],
    });
    expect(revoked.state).toBe('revoked');
    const told = await h.smtp.waitFor((m) => m.to.includes(c.partnerEmail) && /revoked/.test(m.subject));
    expect(told.text).toContain('no pre-sales support found');
  });
});
