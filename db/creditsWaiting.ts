import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import { REDEMPTIONS, type Trx } from './credits';
import { approverColumns } from './creditsReads';
import { ACCOUNTS } from './loyalty';
import { TABLE as NOTIFICATIONS, noticeKeySql } from './notifications';

// CLC-6: the requests waiting for a decision, as the time-driven and account-driven steps find them: those
// whose hold runs out (the daily run), and an account's own (a new captain, auto-approval turned on).

/** CLC-6: an undecided request whose hold runs out, with whoever decides it. */
export interface DueHold {
  id: string;
  accountId: string | null;
  kind: string;
  credits: number;
  approverName: string | null;
  approverEmail: string | null;
}

/** CLC-6: pending requests whose hold-until date has come by `on`, the earliest first, at most `limit`. */
export async function dueHolds(db: Knex, on: IsoDate, limit: number): Promise<DueHold[]> {
  return db(`${REDEMPTIONS} as r`)
    .leftJoin(`${ACCOUNTS} as a`, 'a.id', 'r.account_id')
    .leftJoin(`${NOTIFICATIONS} as n`, 'n.id', noticeKeySql(db, 'redemption', 'r.id', 'waiting'))
    .where({ 'r.status': 'pending' })
    .where('r.hold_until', '<=', on)
    .orderBy(['r.hold_until', 'r.id'])
    .limit(limit)
    .select('r.id', 'r.account_id as accountId', 'r.kind', 'r.credits', ...approverColumns(db));
}

/** CLC-6: a request of an account waiting for its captain. */
export interface WaitingRedemption {
  id: string;
  kind: string;
  credits: number;
  holdUntil: IsoDate;
}

/** CLC-6: an account's requests waiting for a decision, oldest first, at most `limit`, but those in `except`. */
export async function waitingRedemptionsOf(
  db: Knex | Trx,
  accountId: string,
  limit: number,
  except: string[] = [],
): Promise<WaitingRedemption[]> {
  return db(REDEMPTIONS)
    .where({ account_id: accountId, status: 'pending' })
    .whereNotIn('id', except)
    .orderBy(['created_at', 'id'])
    .limit(limit)
    .select<WaitingRedemption[]>('id', 'kind', 'credits', 'hold_until as holdUntil');
}
