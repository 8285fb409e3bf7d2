import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as messages from '../../workflows/certificationDefinitions';
import type { CertificationState } from '../../workflows/certificationDefinitions';
import { applyForCertification, fullRequirements } from '../helpers/certification';
import { uniqueId } from '../helpers/temporal';
import { checkpoints, settled } from '../helpers/checkpoints';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// One certification through five years on the time-skipping server, its whole observable timeline compared
// with one written out by hand: every email to anyone (recipient, subject, the test clock's date it arrived
// by; none goes to ops, ops@test.example, as no extension ends out of compliance),
// every change of state (state, anniversary, compliance), every customer satisfaction measurement.

const PARTNER = 'leap-day@partner.example';
const approved = 'Premier Certification approved (US)';
const open = 'Premier Certification: renewal is open (US)';
const reminder = 'Reminder: renew your Premier Certification (US)';
const renewed = 'Premier Certification renewed (US)';
const outOfCompliance = 'Premier Certification out of compliance: customer satisfaction (US)';
const extension = 'Premier Certification: compliance extension granted (US)';
const lost = 'Premier Certification lost (US)';

type Entry =
  | [on: string, what: 'mail', to: string, subject: string]
  | [on: string, what: 'state', state: string, anniversary: string | null, compliance: string]
  | [on: string, what: 'csat', measuredOn: string, passed: boolean];

// The expected timeline, by hand (CERT-2: each n-th anniversary from 2036-02-29, Re-Cert 90 days before,
// reminders 60 and 30 days before and a week before the last day; CERT-3: lost the day after the 30th day
// past the anniversary; CERT-4: the first measurement after 12 full months, then each January and July;
// CERT-5: an extension granted by ops, compliant again before its end, nothing at its end).
const expected: Entry[] = [
  ['2036-02-29', 'state', 'applied', null, 'compliant'],
  ['2036-02-29', 'mail', PARTNER, approved],
  ['2036-02-29', 'state', 'approved', '2037-02-28', 'compliant'],
  // first cycle: no measurement in January 2037 (a new partner's 12 full months run to 2037-02-28)
  ['2036-11-30', 'mail', PARTNER, open],
  ['2036-11-30', 'state', 're-cert', '2037-02-28', 'compliant'],
  ['2036-12-30', 'mail', PARTNER, reminder],
  ['2037-01-29', 'mail', PARTNER, reminder],
  ['2037-02-10', 'mail', PARTNER, renewed],
  ['2037-02-10', 'state', 'approved', '2038-02-28', 'compliant'],
  // second cycle: renewed late, after the anniversary and the last reminder
  ['2037-07-01', 'csat', '2037-07-01', true],
  ['2037-11-30', 'mail', PARTNER, open],
  ['2037-11-30', 'state', 're-cert', '2038-02-28', 'compliant'],
  ['2037-12-30', 'mail', PARTNER, reminder],
  ['2038-01-01', 'csat', '2038-01-01', true],
  ['2038-01-29', 'mail', PARTNER, reminder],
  ['2038-03-23', 'mail', PARTNER, reminder],
  ['2038-03-25', 'mail', PARTNER, renewed],
  ['2038-03-25', 'state', 'approved', '2039-02-28', 'compliant'],
  // third cycle: 6 responses in the 12 months to 2038-07-01; notice, extension, compliant again
  ['2038-07-01', 'mail', PARTNER, outOfCompliance],
  ['2038-07-01', 'state', 'approved', '2039-02-28', 'out of compliance since 2038-07-01, notified 2038-07-01'],
  ['2038-07-01', 'csat', '2038-07-01', false],
  ['2038-07-10', 'state', 'approved', '2039-02-28', 'out of compliance since 2038-07-01, notified 2038-07-10'],
  ['2038-07-15', 'mail', PARTNER, extension],
  ['2038-07-15', 'state', 'approved', '2039-02-28', 'out of compliance since 2038-07-01, notified 2038-07-10, extension until 2038-10-31'],
  ['2038-09-15', 'state', 'approved', '2039-02-28', 'compliant'],
  ['2038-11-30', 'mail', PARTNER, open],
  ['2038-11-30', 'state', 're-cert', '2039-02-28', 'compliant'],
  ['2038-12-30', 'mail', PARTNER, reminder],
  ['2039-01-01', 'csat', '2039-01-01', true],
  ['2039-01-29', 'mail', PARTNER, reminder],
  ['2039-02-28', 'mail', PARTNER, renewed],
  ['2039-02-28', 'state', 'approved', '2040-02-29', 'compliant'],
  // fourth cycle: the leap-day anniversary; renewed between the reminders, so the third is not sent
  ['2039-07-01', 'csat', '2039-07-01', true],
  ['2039-12-01', 'mail', PARTNER, open],
  ['2039-12-01', 'state', 're-cert', '2040-02-29', 'compliant'],
  ['2039-12-31', 'mail', PARTNER, reminder],
  ['2040-01-01', 'csat', '2040-01-01', true],
  ['2040-01-05', 'mail', PARTNER, renewed],
  ['2040-01-05', 'state', 'approved', '2041-02-28', 'compliant'],
  // fifth cycle: no renewal; lost on the 31st day after the anniversary
  ['2040-07-01', 'csat', '2040-07-01', true],
  ['2040-11-30', 'mail', PARTNER, open],
  ['2040-11-30', 'state', 're-cert', '2041-02-28', 'compliant'],
  ['2040-12-30', 'mail', PARTNER, reminder],
  ['2041-01-01', 'csat', '2041-01-01', true],
  ['2041-01-29', 'mail', PARTNER, reminder],
  ['2041-03-23', 'mail', PARTNER, reminder],
  ['2041-03-31', 'mail', PARTNER, lost],
  ['2041-03-31', 'state', 'lapsed', '2041-02-28', 'compliant'],
];

const compliance = (nc: CertificationState['nonCompliance']) =>
  !nc
    ? 'compliant'
    : `out of compliance since ${nc.awareOn}` +
      (nc.noticeOn ? `, notified ${nc.noticeOn}${nc.timely ? '' : ' (late)'}` : '') +
      (nc.extensionUntil ? `, extension until ${nc.extensionUntil}` : '');

/** Records what a certification shows, as of each checkpoint (noon, the test clock's time). */
function timelineOf(h: WorkflowHarness, handle: Awaited<ReturnType<typeof applyForCertification>>['handle'], today: string) {
  const entries: Entry[] = [];
  let mails = 0;
  let measuredTo = ''; // the certification keeps its latest few measurements: new ones are those after the last seen
  let lastState = '';

  async function observe(clock: string) {
    await settled([handle]);
    for (const m of h.smtp.received.slice(mails)) entries.push([clock, 'mail', m.to.join(', '), m.subject]);
    mails = h.smtp.received.length;
    const s = await handle.query(messages.certificationStateQuery);
    const state: Entry = [clock, 'state', s.state, s.anniversary, compliance(s.nonCompliance)];
    if (JSON.stringify(state.slice(2)) !== lastState) entries.push(state);
    lastState = JSON.stringify(state.slice(2));
    for (const m of s.measurements.filter((x) => x.on > measuredTo)) entries.push([clock, 'csat', m.on, m.passed]);
    measuredTo = s.measurements.at(-1)?.on ?? measuredTo;
  }

  return { entries, ...checkpoints(h, today, observe) };
}

describe('Premier Certification, five years of one partner', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2036-02-28' }); // the day before the approval
  });
  afterAll(async () => h?.close());

  it(
    'CERT-2, CERT-3, CERT-4, CERT-5: approved 2036-02-29, renewed four times (anniversaries 28 Feb, 29 Feb in 2040), ' +
      'CSAT each January and July with one failure restored within an extension, lost 31 days after the fifth anniversary',
    async () => {
      await h.skipTo('2036-02-29');
      const partnerId = uniqueId('P');
      await h.db('partners').insert({ id: partnerId, name: 'Leap Day Ltd', email: PARTNER });
      const c = await applyForCertification(h.env, h.db, h.taskQueue, { partnerId, partnerEmail: PARTNER });
      const t = timelineOf(h, c.handle, '2036-02-29');
      await t.observe();
      const ops = { by: 'ops:test' };
      const approve = () => c.handle.executeUpdate(messages.decideCertificationUpdate, { args: [{ approve: true, ...ops }] });
      const renew = () => c.handle.executeUpdate(messages.renewCertificationUpdate, { args: [fullRequirements()] });
      /** Ops record responses received that day, with that period's Low Score Follow-Up done (CERT-4: each period its own). */
      const responses = (count: number, receivedOn: string) => () =>
        c.handle.executeUpdate(messages.csatResponsesUpdate, { args: [{ count, receivedOn, lowScoreFollowUpDone: true }] });
      const notice = () =>
        c.handle.executeUpdate(messages.nonComplianceNoticeUpdate, { args: [{ reason: 'too few CSAT responses', awareOn: '2038-07-01' }] });
      const extend = () => c.handle.executeUpdate(messages.grantExtensionUpdate, { args: [{ until: '2038-10-31', ...ops }] });
      const compliant = () => c.handle.executeUpdate(messages.markCompliantUpdate, { args: [ops] });

      await t.on('2036-02-29', approve);
      for (const day of ['2036-11-30', '2036-12-30', '2037-01-01', '2037-01-29']) await t.on(day);
      await t.on('2037-02-10', responses(12, '2037-02-10'), renew);
      await t.on('2037-07-01');
      await t.on('2037-11-30', responses(2, '2037-11-30'));
      for (const day of ['2037-12-30', '2038-01-01', '2038-01-29', '2038-02-28', '2038-03-23']) await t.on(day);
      await t.on('2038-03-25', responses(4, '2038-03-25'), renew);
      await t.on('2038-07-01');
      await t.on('2038-07-10', notice);
      await t.on('2038-07-15', extend);
      await t.on('2038-09-01', responses(8, '2038-09-01'));
      await t.on('2038-09-15', compliant);
      for (const day of ['2038-11-01', '2038-11-30', '2038-12-30', '2039-01-01', '2039-01-29']) await t.on(day);
      await t.on('2039-02-28', responses(12, '2039-02-28'), renew);
      await t.on('2039-07-01');
      await t.on('2039-12-01', responses(2, '2039-12-01'));
      for (const day of ['2039-12-31', '2040-01-01']) await t.on(day);
      await t.on('2040-01-05', responses(12, '2040-01-05'), renew);
      for (const day of ['2040-01-30', '2040-03-01', '2040-07-01']) await t.on(day);
      await t.on('2040-11-30', responses(2, '2040-11-30'));
      for (const day of ['2040-12-30', '2041-01-01', '2041-01-29']) await t.on(day);
      for (const day of ['2041-02-28', '2041-03-23', '2041-03-30', '2041-03-31', '2041-07-01']) await t.on(day);

      expect(t.entries).toEqual(expected);
    },
  );
});
