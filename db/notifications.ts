import type { Knex } from 'knex';

export const TABLE = 'notifications';

/** What a notice is about: the prefix of its key. */
export type NoticeSubject = 'account' | 'lot' | 'cert' | 'incentive' | 'redemption' | 'statement' | 'voucher';

/**
 * The outbox key of a notice: `<subject>-<id>:<event>`, e.g. `account-ACME:terms-waiting`. Built from
 * business ids only (never a run or activity id), so a retry or a new run writes the same row once.
 */
export const noticeKey = (subject: NoticeSubject, id: string, event: string) => `${subject}-${id}:${event}`;

/** `noticeKey` as SQL, for a join on the notices of many rows: `idColumn` names the column holding the id. */
export const noticeKeySql = (db: Knex, subject: NoticeSubject, idColumn: string, event: string) =>
  db.raw('?::text || ?? || ?::text', [`${subject}-`, idColumn, `:${event}`]);

/** The name a partner's notices greet, by the address they go to; undefined when no partner has it. */
export async function partnerNameFor(db: Knex | Knex.Transaction, email: string): Promise<string | undefined> {
  const row = await db('partners').where({ email }).first<{ name: string } | undefined>('name');
  return row?.name;
}

export interface Notice {
  /** Business idempotency key (noticeKey): one row, one email per event. */
  id: string;
  accountId: string | null;
  kind: string;
  recipient: string;
  subject: string;
  body: string;
}

export interface NoticeRow extends Notice {
  messageId: string;
  sentAt: Date | null;
  /** When the mail server refused it for good (a permanent 5xx): never sent, in ops' failed-notices queue. */
  failedAt: Date | null;
}

/** Message-ID derived from the key, so a resend after a crash is recognisably the same message. */
export const messageIdFor = (key: string) => `<${key.replace(/[^A-Za-z0-9._:-]/g, '_')}@cisco-programs.local>`;

/** Writes a notice to the outbox inside the caller's transaction; a second write of the same key is a no-op. */
export async function enqueueNotice(trx: Knex | Knex.Transaction, notice: Notice): Promise<void> {
  await noticeInsert(trx, notice);
}

/** The outbox insert of `enqueueNotice`, unexecuted, for a caller that combines it with other writes. */
export function noticeInsert(trx: Knex | Knex.Transaction, notice: Notice) {
  return trx(TABLE)
    .insert({
      id: notice.id,
      account_id: notice.accountId,
      kind: notice.kind,
      recipient: notice.recipient,
      subject: notice.subject,
      body: notice.body,
      message_id: messageIdFor(notice.id),
    })
    .onConflict('id')
    .ignore();
}

export async function findNotice(db: Knex, id: string): Promise<NoticeRow | undefined> {
  const row = await db(TABLE).where({ id }).first();
  return row && toNotice(row);
}

export async function markSent(db: Knex, id: string): Promise<void> {
  await db(TABLE).where({ id }).whereNull('sent_at').update({ sent_at: db.fn.now() });
}

/** Issue 24 finding 2: the notice failed for good (the mail server's words in `failure`); the first failure stands. */
export async function markFailed(db: Knex, id: string, failure: string): Promise<void> {
  await db(TABLE).where({ id }).whereNull('sent_at').whereNull('failed_at').update({ failed_at: db.fn.now(), failure });
}

/** A notice that failed for good, as ops' queue shows it. */
export interface FailedNotice {
  key: string;
  accountId: string | null;
  kind: string;
  recipient: string;
  subject: string;
  failure: string;
  failedAt: string;
}

type FailedRecord = {
  id: string;
  account_id: string | null;
  kind: string;
  recipient: string;
  subject: string;
  failure: string;
  failed_at: Date;
};

/** Issue 24 finding 2: the notices the mail server refused for good, the latest first. */
export async function failedNotices(db: Knex, page: { limit: number; offset: number }): Promise<FailedNotice[]> {
  const rows = await db(TABLE)
    .whereNotNull('failed_at')
    .orderBy([{ column: 'failed_at', order: 'desc' }, { column: 'id' }])
    .limit(page.limit)
    .offset(page.offset)
    .select<FailedRecord[]>('id', 'account_id', 'kind', 'recipient', 'subject', 'failure', 'failed_at');
  return rows.map((r) => ({
    key: r.id,
    accountId: r.account_id,
    kind: r.kind,
    recipient: r.recipient,
    subject: r.subject,
    failure: r.failure,
    failedAt: r.failed_at.toISOString(),
  }));
}

export async function noticesFor(db: Knex, accountId: string): Promise<NoticeRow[]> {
  return (await db(TABLE).where({ account_id: accountId }).orderBy('created_at')).map(toNotice);
}

function toNotice(row: Record<string, unknown>): NoticeRow {
  return {
    id: row.id as string,
    accountId: (row.account_id as string | null) ?? null,
    kind: row.kind as string,
    recipient: row.recipient as string,
    subject: row.subject as string,
    body: row.body as string,
    messageId: row.message_id as string,
    sentAt: (row.sent_at as Date | null) ?? null,
    failedAt: (row.failed_at as Date | null) ?? null,
  };
}

/**
 * Notices of these kinds still unsent (and not failed for good) after `olderThanMinutes`, the oldest first. Run once a day: a scan of
 * the outbox is cheaper than an index that every notice's insert and send would have to maintain.
 */
export async function unsentNotices(db: Knex, q: { kinds: string[]; olderThanMinutes: number; limit: number }): Promise<string[]> {
  return db(TABLE)
    .whereNull('sent_at')
    .whereNull('failed_at')
    .whereIn('kind', q.kinds)
    .where('created_at', '<', db.raw('now() - make_interval(mins => ?)', [q.olderThanMinutes]))
    .orderBy('created_at')
    .limit(q.limit)
    .pluck('id');
}
