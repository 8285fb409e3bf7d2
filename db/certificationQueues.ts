import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import type { Page } from '../api/schemas/common';
import type { CertState } from '../workflows/certificationDefinitions';
import { CERTIFICATIONS } from './certification';

// The portal's lists of certifications: a partner's own, and those ops watch in Re-Cert.

export interface CertificationQueueRow {
  id: string;
  partnerId: string;
  country: string;
  state: CertState;
  certifiedOn: IsoDate | null;
  anniversary: IsoDate | null;
}

const columns = {
  id: 'id',
  partnerId: 'partner_id',
  country: 'country',
  state: 'state',
  certifiedOn: 'certified_on',
  anniversary: 'anniversary',
} as const;

/** ALL-3: a partner's own certifications. */
export async function certificationsOfPartner(db: Knex, partnerId: string, page: Page): Promise<CertificationQueueRow[]> {
  return db(CERTIFICATIONS)
    .where({ partner_id: partnerId })
    .orderBy('id')
    .select<CertificationQueueRow[]>(columns)
    .limit(page.limit)
    .offset(page.offset);
}

/** CERT-2, CERT-3: certifications in Re-Cert (awaiting renewal), those nearest their anniversary first. */
export async function certificationsInRecert(db: Knex, page: Page): Promise<CertificationQueueRow[]> {
  return db(CERTIFICATIONS)
    .where({ state: 're-cert' })
    .orderBy([{ column: 'anniversary' }, { column: 'id' }])
    .select<CertificationQueueRow[]>(columns)
    .limit(page.limit)
    .offset(page.offset);
}
