import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailsInFlight, RedemptionConflict } from '../../services/creditsRedemptions';
import { trainingRecords } from '../../db/creditsVouchers';
import { examVouchers } from '../../workflows/creditsSchedules';
import { decideRedemption, requestRedemption, startPurchasedLot } from '../helpers/credits';
import { uniqueId } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// CLC-5 (amended): a redeemed exam voucher is a thing of its own: issued to its learner on the day the
// redemption is approved, expiring a year on (CAL-4: 2032-02-29 gives 2033-02-28), its holder reminded 30
// days before, never refunded. Every redemption names what it pays for, and training and exams their
// learner, so each person's training record can be listed. Dates written out: the clock starts on 2032-02-19.
describe('exam vouchers and training records', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2032-02-19' });
  });
  afterAll(async () => h?.close());

  const ana = { name: 'Ana Ruiz', email: 'ana.ruiz@learners.example' };
  const voucherDay = () =>
    h.steadyClient.workflow.execute(examVouchers, { workflowId: uniqueId('exam-vouchers'), taskQueue: h.taskQueue, args: [] });
  const ledgerOf = (lotId: string) =>
    h.db('ledger_entries').where({ lot_id: lotId }).orderBy('id').select('occurred_on', 'kind', 'credits');
  const mailsTo = (email: string) => h.smtp.received.filter((m) => m.to.includes(email)).map((m) => m.subject);

  it('CLC-5: an approved exam voucher is issued to its learner on 2032-02-29, reminded on 2033-01-29, expires 2033-02-28 unrefunded', async () => {
    const { lot } = await startPurchasedLot(h.env, h.taskQueue, {
      credits: 100,
      invoiceDate: '2032-02-20',
      ownerEmail: 'buyer@exam.example',
      lotId: 'LP-EXAM',
    });

    // A training or exam redemption that names no learner is refused, naming the field.
    await h.skipTo('2032-02-29');
    await expect(
      requestRedemption(h.desk, {
        accountId: null,
        lotId: lot.id,
        kind: 'exam-voucher',
        credits: 3,
        paysFor: 'CCNA 200-301',
        learner: undefined,
        autoApprove: false,
      }),
    ).rejects.toMatchObject({ problems: [{ field: 'learner', message: 'an exam-voucher redemption names its learner (name and email)' }] });

    const exam = await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'exam-voucher',
      credits: 3,
      paysFor: 'CCNA 200-301',
      learner: ana,
      autoApprove: false,
      approverEmail: 'buyer@exam.example',
    });
    expect(exam.state).toMatchObject({ status: 'pending', voucherId: null });
    expect(await h.db('exam_vouchers').where({ redemption_id: exam.redemptionId })).toEqual([]);

    const approved = await decideRedemption(h.desk, exam.redemptionId, true, 'team-captain:buyer');
    const voucherId = `EV-${exam.redemptionId}`;
    expect(approved).toMatchObject({ status: 'approved', voucherId });
    expect(await h.db('exam_vouchers').where({ id: voucherId }).first()).toMatchObject({
      redemption_id: exam.redemptionId,
      holder_name: 'Ana Ruiz',
      holder_email: 'ana.ruiz@learners.example',
      exam: 'CCNA 200-301',
      credits: 3,
      issued_on: '2032-02-29',
      expires_on: '2033-02-28',
      remind_on: '2033-01-29',
      state: 'issued',
    });
    await emailsInFlight();
    const issued = await h.smtp.waitFor((m) => m.to.includes(ana.email));
    expect(issued.subject).toBe('Your exam voucher for CCNA 200-301 (expires 2033-02-28)');
    expect(issued.text).toContain(`Dear Ana Ruiz,`);
    expect(issued.text).toContain(
      `Exam voucher ${voucherId} for CCNA 200-301 was issued to you on 2032-02-29. It expires on 2033-02-28 and cannot be refunded.`,
    );
    expect(issued.text).toContain(`See the voucher: https://programs.test.example/app/vouchers/${voucherId}\n`);
    // No refund: an approved voucher cannot be taken back.
    await expect(decideRedemption(h.desk, exam.redemptionId, false)).rejects.toThrow(RedemptionConflict);

    // Training for the same learner, auto-approved: her record lists both, each with what it paid for.
    await h.skipTo('2032-03-01');
    await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'training',
      credits: 20,
      startsOn: '2032-04-12',
      paysFor: 'Implementing Cisco SD-WAN Solutions (ENSDWI)',
      learner: ana,
      autoApprove: true,
    });
    const records = await trainingRecords(h.db, { learnerEmail: 'ana.ruiz@learners.example', limit: 50, offset: 0 });
    expect(records.map(({ redemptionId: _id, ...r }) => r)).toEqual([
      {
        learnerName: 'Ana Ruiz',
        learnerEmail: 'ana.ruiz@learners.example',
        accountId: null,
        kind: 'exam-voucher',
        paysFor: 'CCNA 200-301',
        credits: 3,
        status: 'approved',
        requestedOn: '2032-02-29',
        startsOn: null,
        voucherId,
        voucherExpiresOn: '2033-02-28',
        voucherState: 'issued',
      },
      {
        learnerName: 'Ana Ruiz',
        learnerEmail: 'ana.ruiz@learners.example',
        accountId: null,
        kind: 'training',
        paysFor: 'Implementing Cisco SD-WAN Solutions (ENSDWI)',
        credits: 20,
        status: 'approved',
        requestedOn: '2032-03-01',
        startsOn: '2032-04-12',
        voucherId: null,
        voucherExpiresOn: null,
        voucherState: null,
      },
    ]);

    // The daily voucher run: the day before the reminder nothing; on 2033-01-29 the holder is reminded, once.
    await h.skipTo('2033-01-28', '00:00:01');
    expect(await voucherDay()).toMatchObject({ on: '2033-01-28', reminded: 0, expired: 0 });
    await h.skipTo('2033-01-29', '00:00:01');
    expect(await voucherDay()).toMatchObject({ on: '2033-01-29', reminded: 1, expired: 0 });
    expect(await voucherDay()).toMatchObject({ on: '2033-01-29', reminded: 0, expired: 0 });
    const reminder = await h.smtp.waitFor((m) => m.to.includes(ana.email) && m.subject.startsWith('30 days left'));
    expect(reminder.subject).toBe('30 days left on your exam voucher for CCNA 200-301');
    expect(reminder.text).toContain(`Exam voucher ${voucherId} for CCNA 200-301 expires on 2033-02-28.`);
    expect(reminder.text).toContain('Schedule and take the exam by 2033-02-27: an unused voucher is not refunded.');

    // CLC-5: five days before the lot's expiry (2033-02-20) no exam voucher can be ordered from it.
    await h.skipTo('2033-02-16');
    await expect(
      requestRedemption(h.desk, {
        accountId: null,
        lotId: lot.id,
        kind: 'exam-voucher',
        credits: 1,
        paysFor: 'CCNP ENCOR',
        learner: ana,
        autoApprove: true,
      }),
    ).rejects.toThrow('exam vouchers must be ordered by 2033-02-15');

    // Expired unused: the voucher ends, and nothing returns to the lot (which forfeited its own balance on 2033-02-20).
    await h.skipTo('2033-02-28', '00:00:01');
    expect(await voucherDay()).toMatchObject({ on: '2033-02-28', reminded: 0, expired: 1 });
    expect(await h.db('exam_vouchers').where({ id: voucherId }).first()).toMatchObject({ state: 'expired' });
    expect(await ledgerOf(lot.id)).toEqual([
      { occurred_on: '2032-02-20', kind: 'purchase', credits: 100 },
      { occurred_on: '2032-02-29', kind: 'hold', credits: -3 },
      { occurred_on: '2032-02-29', kind: 'release', credits: 3 },
      { occurred_on: '2032-02-29', kind: 'redemption', credits: -3 },
      { occurred_on: '2032-03-01', kind: 'redemption', credits: -20 },
      { occurred_on: '2033-02-20', kind: 'forfeit', credits: -77 },
    ]);
    // All the learner was sent: her voucher, and its one reminder.
    expect(mailsTo(ana.email)).toEqual([
      'Your exam voucher for CCNA 200-301 (expires 2033-02-28)',
      '30 days left on your exam voucher for CCNA 200-301',
    ]);
  });
});
