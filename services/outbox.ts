import type { Knex } from 'knex';
import { findNotice, markFailed, markSent, messageIdFor, type Notice } from '../db/notifications';
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
 * Sends one outbox row by its key (ALL-2). Already sent, or failed for good: nothing happens. A crash between
 * the SMTP hand-off and marking it sent resends with the same Message-ID, which mail systems de-duplicate.
 * A transient send error (a 4xx reply, a connection lost) propagates so Temporal retries it.
 */
export async function sendNotice(deps: MailDeps, key: string): Promise<'sent' | 'already-sent' | 'failed'> {
  const notice = await findNotice(deps.db, key);
  if (!notice) throw new Error(`No notice ${key} in the outbox`);
  if (notice.sentAt) return 'already-sent';
  if (notice.failedAt) return 'failed';
  return deliverNotice(deps, notice);
}

/**
 * Sends a notice its caller has just committed to the outbox (no read back), then marks it sent. Issue 24
 * finding 2: a permanent refusal (SMTP 5xx, e.g. 501 for a recipient the server will never take) marks it
 * failed instead, for ops' failed-notices queue, and returns: retrying would be refused the same way.
 */
export async function deliverNotice(deps: MailDeps, notice: Notice): Promise<'sent' | 'failed'> {
  try {
    await deps.mailer.sendMail({
      from: deps.mailFrom,
      to: notice.recipient,
      subject: notice.subject,
      ...renderLetter(notice.body, deps.publicUrl ?? DEFAULT_PUBLIC_URL),
      messageId: messageIdFor(notice.id),
      headers: { 'X-Notice-Key': notice.id },
    });
  } catch (err) {
    const refusal = permanentSmtpRefusal(err);
    if (!refusal) throw err;
    await markFailed(deps.db, notice.id, refusal);
    return 'failed';
  }
  await markSent(deps.db, notice.id);
  return 'sent';
}

/** The mail server's words when it refused for good (a 5xx reply, RFC 5321 4.2.1); undefined for anything transient. */
function permanentSmtpRefusal(err: unknown): string | undefined {
  const { responseCode, response, message } = (err ?? {}) as { responseCode?: unknown; response?: unknown; message?: unknown };
  if (typeof responseCode !== 'number' || responseCode < 500 || responseCode > 599) return undefined;
  return typeof response === 'string' && response ? response : `${responseCode} ${String(message)}`;
}
