import type { Knex } from 'knex';
import { findNotice, markSent, messageIdFor, type Notice } from '../db/notifications';
import type { Mailer } from './mailer';

type MailDeps = { db: Knex; mailer: Mailer; mailFrom: string };

/**
 * Sends one outbox row by its key (ALL-2). Already sent: nothing happens. A crash between the SMTP
 * hand-off and marking it sent resends with the same Message-ID, which mail systems de-duplicate.
 * A send error propagates so Temporal retries it.
 */
export async function sendNotice(deps: MailDeps, key: string): Promise<'sent' | 'already-sent'> {
  const notice = await findNotice(deps.db, key);
  if (!notice) throw new Error(`No notice ${key} in the outbox`);
  if (notice.sentAt) return 'already-sent';
  await deliverNotice(deps, notice);
  return 'sent';
}

/** Sends a notice its caller has just committed to the outbox (no read back), then marks it sent. */
export async function deliverNotice(deps: MailDeps, notice: Notice): Promise<void> {
  await deps.mailer.sendMail({
    from: deps.mailFrom,
    to: notice.recipient,
    subject: notice.subject,
    text: notice.body,
    messageId: messageIdFor(notice.id),
    headers: { 'X-Notice-Key': notice.id },
  });
  await markSent(deps.db, notice.id);
}
