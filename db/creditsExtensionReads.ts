import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import { EXTENSION_REQUESTS, LOTS } from './credits';
import type { ExtensionRequestRow } from './creditsReads';
import { paged, type PageWindow } from './page';

// Ops' list of Learning Credit extension requests (CLC-4), a page at a time.

/** CLC-4: an extension request as ops reads it in their list. */
export interface ExtensionRequestSummary {
  requestId: string;
  lotId: string;
  accountId: string | null;
  usagePlan: string;
  requestedBy: string;
  requestedOn: IsoDate;
  expiresOn: IsoDate;
  status: ExtensionRequestRow['status'];
}

/** CLC-4: the extension requests in `status` (ops' list of open ones: 'pending'), the oldest first. */
export async function extensionRequestsIn(
  db: Knex,
  status: ExtensionRequestRow['status'],
  page?: PageWindow,
): Promise<ExtensionRequestSummary[]> {
  return db(`${EXTENSION_REQUESTS} as x`)
    .join(`${LOTS} as l`, 'l.id', 'x.lot_id')
    .where('x.status', status)
    .orderBy(['x.requested_on', 'x.id'])
    .modify(paged(page))
    .select<ExtensionRequestSummary[]>({
      requestId: 'x.id',
      lotId: 'x.lot_id',
      accountId: 'l.account_id',
      usagePlan: 'x.usage_plan',
      requestedBy: 'x.requested_by',
      requestedOn: 'x.requested_on',
      expiresOn: 'l.expires_on',
      status: 'x.status',
    });
}
