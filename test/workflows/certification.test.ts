import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addYears } from '../../domain/calendar';
import { firstCsatMeasurement } from '../../domain/certification';
import * as messages from '../../workflows/certificationDefinitions';
import { applyForCertification, fullRequirements } from '../helpers/certification';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Premier Certification walked through its renewal cycles on the time-skipping server.
describe('Premier Certification', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness();
  });
  afterAll(async () => h?.close());

  async function approved() {
    const c = await applyForCertification(h.env, h.db, h.taskQueue);
    const approvedOn = await h.today();
    const state = await c.handle.executeUpdate(messages.decideCertificationUpdate, { args: [{ approve: true, by: 'ops:test' }] });
    return { ...c, approvedOn, anniversary: state.anniversary! };
  }
  const stateOf = async (c: Awaited<ReturnType<typeof applyForCertification>>) =>
    (await c.handle.query(messages.certificationStateQuery)).state;

  it('CERT-2, CERT-3: two cycles: Re-Cert on the 90th day before, renewal on the last day, lost on the 31st day after', async () => {
    const c = await approved();
    expect(c.anniversary).toBe(addYears(c.approvedOn, 1));
    await h.smtp.waitFor((m) => m.to.includes(c.partnerEmail) && /approved/.test(m.subject));
    await c.handle.executeUpdate(messages.csatResponsesUpdate, { args: [{ count: 12, lowScoreFollowUpDone: true }] });

    await h.skipTo(addDays(c.anniversary, -91));
    expect(await stateOf(c)).toBe('approved');
    await h.skipTo(addDays(c.anniversary, -90));
    expect(await stateOf(c)).toBe('re-cert');
    await h.smtp.waitFor((m) => m.to.includes(c.partnerEmail) && /renewal is open/.test(m.subject));
    await h.skipTo(addDays(c.anniversary, -30));
    expect(h.smtp.received.filter((m) => m.to.includes(c.partnerEmail) && /Reminder/.test(m.subject))).toHaveLength(2); // 60 and 30 days before

    await h.skipTo(addDays(c.anniversary, 30)); // the last day a renewal counts
    expect(await stateOf(c)).toBe('re-cert');
    const renewed = await c.handle.executeUpdate(messages.renewCertificationUpdate, { args: [fullRequirements()] });
    expect(renewed).toMatchObject({ state: 'approved', anniversary: addYears(c.anniversary, 1) });
    await h.smtp.waitFor((m) => m.to.includes(c.partnerEmail) && /renewed/.test(m.subject));

    const second = addYears(c.anniversary, 1);
    // The renewal continues the workflow as new; talk to the latest run once it is there.
    await h.skipTo(addDays(c.anniversary, 32));
    await h.env.client.workflow.getHandle(c.handle.workflowId).executeUpdate(messages.csatResponsesUpdate, { args: [{ count: 12 }] });
    await h.skipTo(addDays(second, -90));
    expect(await stateOf(c)).toBe('re-cert');
    await h.skipTo(addDays(second, 30));
    expect(await stateOf(c)).toBe('re-cert');
    await h.skipTo(addDays(second, 31));
    expect(await stateOf(c)).toBe('lapsed');
    await h.smtp.waitFor((m) => m.to.includes(c.partnerEmail) && /lost/.test(m.subject));
    expect(await h.db('certifications').where({ id: c.id }).first()).toMatchObject({ state: 'lapsed', anniversary: second });
  });

  it('CERT-1, CERT-3: a renewal that misses requirements is refused with every one listed; outside the window too', async () => {
    const c = await approved();
    await expect(c.handle.executeUpdate(messages.renewCertificationUpdate, { args: [fullRequirements()] })).rejects.toMatchObject({
      cause: { type: 'Conflict' },
    });
    await h.skipTo(addDays(c.anniversary, -10));
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
    expect((await c.handle.result()).state).toBe('refused');
    expect(await h.db('certifications').where({ id: c.id }).first()).toMatchObject({ state: 'refused' });
  });

  it('CERT-4: the first measurement after 12 full months needs 10 responses; short, the certification is out of compliance', async () => {
    const passing = await approved();
    const failing = await approved();
    const first = firstCsatMeasurement(passing.approvedOn);
    expect(first >= addYears(passing.approvedOn, 1)).toBe(true);
    // Responses count from the 12 months before the measurement date.
    await h.skipTo(addDays(first, -40));
    await passing.handle.executeUpdate(messages.csatResponsesUpdate, { args: [{ count: 10, lowScoreFollowUpDone: true }] });
    await failing.handle.executeUpdate(messages.csatResponsesUpdate, { args: [{ count: 9, lowScoreFollowUpDone: true }] });
    await h.skipTo(first);
    const p = await passing.handle.query(messages.certificationStateQuery);
    const f = await failing.handle.query(messages.certificationStateQuery);
    expect(p.measurements).toEqual([{ on: first, passed: true, shortfalls: [] }]);
    expect(p.nonCompliance).toBeNull();
    expect(f.measurements).toEqual([{ on: first, passed: false, shortfalls: ['9 survey responses, 10 needed'] }]);
    expect(f.nonCompliance?.reason).toContain('customer satisfaction');
    await h.smtp.waitFor((m) => m.to.includes(failing.partnerEmail) && /out of compliance/.test(m.subject));
  });

  it('CERT-4: a partner moving from Premier to Gold needs 30 responses at the first measurement after six full months', async () => {
    const c = await approved();
    const movedOn = await h.today();
    await c.handle.executeUpdate(messages.moveToGoldUpdate, { args: [{ by: 'ops:test' }] });
    const first = firstCsatMeasurement(movedOn, 6);
    await h.skipTo(addDays(first, -30));
    await c.handle.executeUpdate(messages.csatResponsesUpdate, { args: [{ count: 29, lowScoreFollowUpDone: true }] });
    await h.skipTo(first);
    const state = await c.handle.query(messages.certificationStateQuery);
    expect(state.measurements).toEqual([{ on: first, passed: false, shortfalls: ['29 survey responses, 30 needed'] }]);
  });

  it('CERT-5: timely notice earns an extension; compliant by then it stays certified, otherwise ops is asked at its end and decides', async () => {
    const kept = await approved();
    const lost = await approved();
    const on = await h.today();
    for (const c of [kept, lost]) {
      await c.handle.executeUpdate(messages.nonComplianceNoticeUpdate, {
        args: [{ reason: '8x5 support lapsed', awareOn: addDays(on, -20) }],
      });
      await c.handle.executeUpdate(messages.grantExtensionUpdate, { args: [{ until: addDays(on, 30), by: 'ops:test' }] });
    }
    await expect(lost.handle.executeUpdate(messages.revokeUpdate, { args: [{ reason: 'x', by: 'ops' }] })).rejects.toMatchObject({
      cause: { type: 'Conflict' },
    });
    await h.skipTo(addDays(on, 10));
    await kept.handle.executeUpdate(messages.markCompliantUpdate, { args: [{ by: 'ops:test' }] });
    await h.skipTo(addDays(on, 31));
    expect(await stateOf(kept)).toBe('approved');
    // The service no longer revokes by itself: ops is asked, and the certification stays until ops decides.
    expect(await stateOf(lost)).toBe('approved');
    const asked = await h.smtp.waitFor((m) => m.to.includes('ops@test.example') && m.subject.includes(lost.partnerId));
    expect(asked.subject).toBe(`Premier Certification ${lost.partnerId} (US): the compliance extension has ended, confirm or revoke`);
    expect(asked.text).toContain(`ended on ${addDays(on, 30)}`);
    expect(h.smtp.received.filter((m) => m.to.includes(lost.partnerEmail) && /revoked/.test(m.subject))).toEqual([]);
    expect(h.smtp.received.filter((m) => m.subject.includes(kept.partnerId))).toEqual([]);
    await h.skipTo(addDays(on, 40));
    expect(await stateOf(lost)).toBe('approved');
    const revoked = await lost.handle.executeUpdate(messages.revokeUpdate, { args: [{ reason: 'still no 8x5 support', by: 'ops:test' }] });
    expect(revoked.state).toBe('revoked');
    await h.smtp.waitFor((m) => m.to.includes(lost.partnerEmail) && /revoked/.test(m.subject));
  });

  it('CERT-5: late notice lets ops refuse an extension, not forbids one; refused, ops may revoke at once', async () => {
    const extended = await approved();
    const refused = await approved();
    const on = await h.today();
    for (const c of [extended, refused]) {
      const { nonCompliance } = await c.handle.executeUpdate(messages.nonComplianceNoticeUpdate, {
        args: [{ reason: 'resale agreement expired', awareOn: addDays(on, -31) }],
      });
      expect(nonCompliance?.timely).toBe(false);
    }
    const granted = await extended.handle.executeUpdate(messages.grantExtensionUpdate, { args: [{ until: addDays(on, 30), by: 'ops' }] });
    expect(granted.nonCompliance?.extensionUntil).toBe(addDays(on, 30));
    const revoked = await refused.handle.executeUpdate(messages.revokeUpdate, { args: [{ reason: 'no timely notice', by: 'ops:test' }] });
    expect(revoked.state).toBe('revoked');
    expect(await h.db('certifications').where({ id: refused.id }).first()).toMatchObject({ state: 'revoked' });
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
