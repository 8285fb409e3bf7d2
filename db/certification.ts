import { recordAudit, type AuditActor } from './audit';
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
export async function registerPartner(db: Knex, partner: Partner, by: AuditActor): Promise<boolean> {
  return db.transaction(async (trx) => {
    const inserted = await trx(PARTNERS).insert(partner).onConflict('id').ignore().returning('id');
    // Issue 24: the registration and its audit row are one transaction; a partner already there records nothing.
    if (inserted.length === 0) return false;
    const entry = { actor: by.actor, actorName: by.name, action: 'partner.registered', entityType: 'partner' as const };
    await recordAudit(trx, { ...entry, entityId: partner.id, after: partner });
    return true;
  });
}

/** CERT-4: the customer satisfaction record a re-application of the same partner and country keeps. */
export interface CsatRecord {
  responses: { on: string; count: number }[];
  lowScoreFollowUps: { period: string; done: boolean }[];
}

/** The read model of a certification as its workflow decided it (CERT-2, CERT-3); written again at each event. */
export async function saveCertification(db: Knex | Knex.Transaction, s: CertificationState): Promise<void> {
  const csat: CsatRecord = { responses: s.csatResponses, lowScoreFollowUps: s.lowScoreFollowUps ?? [] };
  const csatColumns = { csat: JSON.stringify(csat), first_csat_on: s.firstCsatOn ?? null };
  await db(CERTIFICATIONS)
    .insert({
      id: s.id,
      partner_id: s.partnerId,
      country: s.country,
      state: s.state,
      certified_on: s.certifiedOn,
      anniversary: s.anniversary,
      ended_on: s.endedOn ?? null,
      ...csatColumns,
    })
    .onConflict('id')
    .merge({
      state: s.state,
      certified_on: s.certifiedOn,
      anniversary: s.anniversary,
      // A new application of the same partner and country keeps the day the last one ended (CERT-4).
      ...(s.endedOn ? { ended_on: s.endedOn } : {}),
      // ... and, until it is approved, the customer satisfaction record the last one had (CERT-4).
      ...(s.certifiedOn ? csatColumns : {}),
      updated_at: db.fn.now(),
    });
}
