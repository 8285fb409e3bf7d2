import type { Knex } from 'knex';
import { findNotice, markSent, messageIdFor, type Notice } from '../db/notifications';
import { DEFAULT_PUBLIC_URL, renderLetter } from '../emails/render';
import type { Mailer } from './mailer';

/** publicUrl: where the emails' links lead (PUBLIC_URL, ALL-5). */
export type MailDeps = { db: Knex; mailer: Mailer; mailFrom: string; publicUrl?: string };

/** The mail deps of a worker's activities, from their config. */
export const mailDepsOf = (d: { db: Knex; mailer: Mailer; config: { mailFrom: string; publicUrl?: string } }): MailDeps => ({
  db: d.db,
  mailer: d.mailer,
  mailFrom: d.config.mailFrom,
  publicUrl: d.config.publicUrl,
});

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
    ...renderLetter(notice.body, deps.publicUrl ?? DEFAULT_PUBLIC_URL),
    messageId: messageIdFor(notice.id),
    headers: { 'X-Notice-Key': notice.id },
  });
  await markSent(deps.db, notice.id);
}
