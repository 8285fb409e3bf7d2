import type { Knex } from 'knex';

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
