import type { Knex } from 'knex';
import type { Counter } from 'prom-client';
import type { Mailer } from './mailer';

/**
 * Counts every notice email this process hands to SMTP, by the notice's kind (the outbox row's `kind`)
 * and outcome. The mailer is the one place all notices pass (activities, the award's local activity,
 * the API's redemption emails), so wrapping it counts them all without touching their code. The kind
 * is looked up after the send, off the send's path, so counting never slows an email down.
 */
export function countNotices(mailer: Mailer, db: Knex, counter: Counter<'kind' | 'outcome'>): Mailer {
  const send = mailer.sendMail.bind(mailer) as (options: MailOptions) => Promise<unknown>;
  const count = (options: MailOptions, outcome: 'sent' | 'failed') => {
    void kindOf(db, options).then((kind) => counter.inc({ kind, outcome }));
  };
  const counted = async (options: MailOptions) => {
    try {
      const info = await send(options);
      count(options, 'sent');
      return info;
    } catch (err) {
      count(options, 'failed');
      throw err;
    }
  };
  mailer.sendMail = counted as unknown as Mailer['sendMail'];
  return mailer;
}

type MailOptions = { headers?: unknown };

async function kindOf(db: Knex, options: MailOptions): Promise<string> {
  const headers = (options.headers ?? {}) as Record<string, unknown>;
  const key = headers['X-Notice-Key'];
  if (typeof key !== 'string') return 'other';
  try {
    const row = await db('notifications').where({ id: key }).first<{ kind: string } | undefined>('kind');
    return row?.kind ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
