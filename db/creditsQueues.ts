import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import type { Page } from '../api/schemas/common';
import { EXTENSION_REQUESTS, LOTS, REDEMPTIONS, type RedemptionStatus } from './credits';
import { ACCOUNTS } from './loyalty';

// The work queues of Learning Credits for the portal: what waits for a Team Captain, and what ops decide
// or watch. Each is one indexed query, a page at a time.

export interface RedemptionQueueRow {
  id: string;
  accountId: string;
  kind: string;
  credits: number;
  status: RedemptionStatus;
  requestedOn: IsoDate;
  requestedBy: string;
  holdUntil: IsoDate | null;
  decidedBy: string | null;
  decidedOn: IsoDate | null;
}

const redemptionColumns = {
  id: 'r.id',
  accountId: 'r.account_id',
  kind: 'r.kind',
  credits: 'r.credits',
  status: 'r.status',
  requestedOn: 'r.requested_on',
  requestedBy: 'r.requested_by',
  holdUntil: 'r.hold_until',
  decidedBy: 'r.decided_by',
  decidedOn: 'r.decided_on',
} as const;

/** CLC-6: a captain's redemptions, those waiting (oldest first) or the decided ones (newest first). */
export async function captainRedemptions(db: Knex, ccoId: string, waiting: boolean, page: Page): Promise<RedemptionQueueRow[]> {
  const q = db(`${REDEMPTIONS} as r`)
    .join(`${ACCOUNTS} as a`, 'a.id', 'r.account_id')
    .where('a.captain_cco_id', ccoId)
    .select<RedemptionQueueRow[]>(redemptionColumns)
    .limit(page.limit)
    .offset(page.offset);
  return waiting
    ? q.where('r.status', 'pending').orderBy([{ column: 'r.requested_on' }, { column: 'r.created_at' }, { column: 'r.id' }])
    : q
        .whereNot('r.status', 'pending')
        .orderBy([{ column: 'r.requested_on', order: 'desc' }, { column: 'r.created_at', order: 'desc' }, { column: 'r.id' }]);
}

/** CLC-6: held redemptions whose 45-day hold runs out between `from` and `to`: released unless decided. */
export async function holdsReleasing(db: Knex, from: IsoDate, to: IsoDate, page: Page): Promise<RedemptionQueueRow[]> {
  return db(`${REDEMPTIONS} as r`)
    .where('r.status', 'pending')
    .whereNotNull('r.account_id')
    .whereBetween('r.hold_until', [from, to])
    .orderBy([{ column: 'r.hold_until' }, { column: 'r.id' }])
    .select<RedemptionQueueRow[]>(redemptionColumns)
    .limit(page.limit)
    .offset(page.offset);
}

export interface ExtensionQueueRow {
  id: string;
  lotId: string;
  accountId: string | null;
  ownerName: string;
  usagePlan: string;
  requestedBy: string;
  requestedOn: IsoDate;
  expiresOn: IsoDate;
  balance: number;
}

const lotBalance = (db: Knex) => db.raw('coalesce((select sum(credits) from ledger_entries e where e.lot_id = l.id), 0)::int as balance');

/** CLC-4: the open reissue requests, oldest first, with what the lot has left and when it expires. */
export async function openExtensionRequests(db: Knex, page: Page): Promise<ExtensionQueueRow[]> {
  return db(`${EXTENSION_REQUESTS} as x`)
    .join(`${LOTS} as l`, 'l.id', 'x.lot_id')
    .where('x.status', 'pending')
    .orderBy([{ column: 'x.requested_on' }, { column: 'x.id' }])
    .select<ExtensionQueueRow[]>(
      {
        id: 'x.id',
        lotId: 'x.lot_id',
        accountId: 'l.account_id',
        ownerName: 'l.owner_name',
        usagePlan: 'x.usage_plan',
        requestedBy: 'x.requested_by',
        requestedOn: 'x.requested_on',
        expiresOn: 'l.expires_on',
      },
      lotBalance(db),
    )
    .limit(page.limit)
    .offset(page.offset);
}

export interface ExtendedLotRow {
  lotId: string;
  accountId: string | null;
  ownerName: string;
  extendedTo: IsoDate;
  balance: number;
}

/** CLC-4: extended lots whose extension ends between `from` and `to`, soonest first. */
export async function extensionsEnding(db: Knex, from: IsoDate, to: IsoDate, page: Page): Promise<ExtendedLotRow[]> {
  return db(`${LOTS} as l`)
    .whereNotNull('l.extended_to')
    .whereBetween('l.extended_to', [from, to])
    .whereIn('l.state', ['active', 'pending'])
    .orderBy([{ column: 'l.extended_to' }, { column: 'l.id' }])
    .select<ExtendedLotRow[]>(
      { lotId: 'l.id', accountId: 'l.account_id', ownerName: 'l.owner_name', extendedTo: 'l.extended_to' },
      lotBalance(db),
    )
    .limit(page.limit)
    .offset(page.offset);
}
