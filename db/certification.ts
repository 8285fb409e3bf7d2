import type { Knex } from 'knex';
import type { CertificationState } from '../workflows/certificationDefinitions';

// Premier Certification's tables. Registered partners are ops' data; a certification's row is the read
// model its workflow keeps current (activities/certification.ts).

export const PARTNERS = 'partners';
export const CERTIFICATIONS = 'certifications';

export interface Partner {
  id: string;
  name: string;
  email: string;
}

/** Registers a partner once; false when its id is already registered. */
export async function registerPartner(db: Knex, partner: Partner): Promise<boolean> {
  const inserted = await db(PARTNERS).insert(partner).onConflict('id').ignore().returning('id');
  return inserted.length > 0;
}

/** The read model of a certification as its workflow decided it (CERT-2, CERT-3); written again at each event. */
export async function saveCertification(db: Knex | Knex.Transaction, s: CertificationState): Promise<void> {
  await db(CERTIFICATIONS)
    .insert({
      id: s.id,
      partner_id: s.partnerId,
      country: s.country,
      state: s.state,
      certified_on: s.certifiedOn,
      anniversary: s.anniversary,
      ended_on: s.endedOn ?? null,
    })
    .onConflict('id')
    .merge({
      state: s.state,
      certified_on: s.certifiedOn,
      anniversary: s.anniversary,
      // A new application of the same partner and country keeps the day the last one ended (CERT-4).
      ...(s.endedOn ? { ended_on: s.endedOn } : {}),
      updated_at: db.fn.now(),
    });
}
