import type { Knex } from 'knex';
import type { CertState } from '../workflows/certificationDefinitions';
import { CERTIFICATIONS, PARTNERS, type CsatRecord, type Partner } from './certification';
import { paged, type PageWindow } from './page';

// Read models of Premier Certification: partners, and certifications as their workflows last wrote them.

interface CertificationRecord {
  id: string;
  partner_id: string;
  country: string;
  state: CertState;
  certified_on: string | null;
  anniversary: string | null;
}

export interface CertificationRow {
  id: string;
  partnerId: string;
  country: string;
  state: CertState;
  certifiedOn: string | null;
  anniversary: string | null;
}

const toCertification = (r: CertificationRecord): CertificationRow => ({
  id: r.id,
  partnerId: r.partner_id,
  country: r.country,
  state: r.state,
  certifiedOn: r.certified_on,
  anniversary: r.anniversary,
});

export async function findPartner(db: Knex, id: string): Promise<Partner | undefined> {
  return db<Partner>(PARTNERS).where({ id }).first('id', 'name', 'email');
}

export async function findCertification(db: Knex, id: string): Promise<CertificationRow | undefined> {
  const row = await db<CertificationRecord>(CERTIFICATIONS).where({ id }).first();
  return row && toCertification(row);
}

/** Certifications by id, in a state and of a partner when asked. */
export async function listCertifications(
  db: Knex,
  filter: { state?: CertState; partnerId?: string },
  page?: PageWindow,
): Promise<CertificationRow[]> {
  const rows = await db<CertificationRecord>(CERTIFICATIONS)
    .modify((q) => {
      if (filter.state) void q.where({ state: filter.state });
      if (filter.partnerId) void q.where({ partner_id: filter.partnerId });
    })
    .orderBy('id')
    .modify(paged(page));
  return rows.map(toCertification);
}

/**
 * CERT-4: whether the partner has been Premier certified since `since` (in any country): a certification
 * that is approved or in Re-Cert now, or one that ended on or after that day.
 */
export async function certifiedSince(db: Knex, partnerId: string, since: string): Promise<boolean> {
  const row = await db(CERTIFICATIONS)
    .where({ partner_id: partnerId })
    .andWhere((q) => void q.whereIn('state', ['approved', 're-cert']).orWhere('ended_on', '>=', since))
    .first('id');
  return row !== undefined;
}

/**
 * CERT-4: the customer satisfaction record and first measurement date of the certification `id` as its last
 * lifecycle left them (a re-application of the same partner and country keeps them); undefined when none.
 */
export async function earlierCsat(db: Knex, id: string): Promise<(CsatRecord & { firstCsatOn: string | null }) | undefined> {
  const row = await db(CERTIFICATIONS)
    .where({ id })
    .first<{ csat: CsatRecord | null; first_csat_on: string | null } | undefined>('csat', 'first_csat_on');
  if (!row?.csat) return undefined;
  return { responses: row.csat.responses, lowScoreFollowUps: row.csat.lowScoreFollowUps, firstCsatOn: row.first_csat_on };
}
