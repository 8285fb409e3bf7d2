import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createMailer } from '../../services/mailer';
import { createTestDatabase } from '../helpers/db';
import { nominationFor } from '../helpers/loyalty';
import { startSmtpServer } from '../helpers/smtp';

// ALL-2, LOY-7: an activity that Temporal retries after it already committed (the worker died before
// reporting success) must change nothing the second time. Real Postgres and SMTP.
describe('activities are idempotent', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let acts: ReturnType<typeof createActivities>;
  let mailer: ReturnType<typeof createMailer>;

  beforeAll(async () => {
    [database, smtp] = await Promise.all([createTestDatabase(), startSmtpServer()]);
    mailer = createMailer(smtp.url);
    // These activities never start workflows, so no Temporal client is needed here.
    acts = createActivities({
      db: database.db,
      mailer,
      temporal: undefined as never,
      config: { mailFrom: 'p@test.example', opsEmail: 'ops@test.example' },
    });
    const nomination = nominationFor('2026-11-24', { group: 'IDEM' });
    await acts.recordNomination({
      accountId: 'IDEM',
      nomination,
      nominatedBy: 'am',
      nominatedOn: '2026-11-24',
      termsVersion: 'T1',
      lapsesOn: '2027-02-22',
    });
  });
  afterAll(async () => {
    mailer?.close();
    await smtp?.close();
    await database?.drop();
  });

  it('LOY-7, CLC-8: a retried award writes one lot, one ledger entry and one notice', async () => {
    const award = {
      accountId: 'IDEM',
      companyName: 'Idem Corp',
      captain: { name: 'Dana', email: 'dana@idem.example' },
      quarter: 'FY2027Q3',
      awardDate: '2027-04-15',
      credits: 75,
      nextAwardDate: '2027-07-15',
    };
    const first = await acts.recordAward(award);
    const again = await acts.recordAward(award);
    expect(again).toEqual(first);
    expect(await database.db('credit_lots').where({ account_id: 'IDEM' })).toHaveLength(1);
    expect(await database.db('ledger_entries').where({ lot_id: first.lotId })).toMatchObject([{ kind: 'award', credits: 75 }]);
    expect(await database.db('notifications').where({ id: first.noticeKey })).toHaveLength(1);
  });

  it('ALL-2: a notice sent twice reaches the mailbox once, with a Message-ID derived from its key', async () => {
    const key = await acts.recordTermsReminder({
      accountId: 'IDEM',
      reminderNumber: 1,
      companyName: 'Idem Corp',
      captain: { name: 'Dana', email: 'dana@idem.example' },
      termsVersion: 'T1',
      lapsesOn: '2027-02-22',
    });
    expect(await acts.sendNotice(key)).toBe('sent');
    expect(await acts.sendNotice(key)).toBe('already-sent');
    const mail = await smtp.waitFor((m) => m.messageId === `<${key}@cisco-programs.local>`);
    expect(mail.to).toEqual(['dana@idem.example']);
    expect(smtp.received.filter((m) => m.messageId === mail.messageId)).toHaveLength(1);
    expect((await database.db('notifications').where({ id: key }).first()).sent_at).not.toBeNull();
  });
});
