import type { Knex } from 'knex';
import { enqueueNotice } from '../db/notifications';
import { certificationEmails } from '../emails/certification';
import type { CertificationState } from '../workflows/certificationDefinitions';

// CERT-1 … CERT-5: each lifecycle event updates the certification's read model and, where the partner
// is told, writes its notice in the same transaction (key: certification id + event).

export function createCertificationActivities({ db }: { db: Knex }) {
  return {
    /** Records the state after `event`; returns the notice key when the partner is told, else null. */
    async recordCertificationEvent(input: {
      s: CertificationState;
      event: string;
      notice?: string;
      detail?: string;
    }): Promise<string | null> {
      const { s } = input;
      return db.transaction(async (trx) => {
        await trx('certifications')
          .insert({
            id: s.id,
            partner_id: s.partnerId,
            country: s.country,
            state: s.state,
            certified_on: s.certifiedOn,
            anniversary: s.anniversary,
          })
          .onConflict('id')
          .merge({ state: s.state, certified_on: s.certifiedOn, anniversary: s.anniversary, updated_at: trx.fn.now() });
        if (!input.notice) return null;
        const id = `cert-${s.id}:${input.event}`;
        await enqueueNotice(trx, {
          id,
          accountId: null,
          kind: `cert-${input.notice}`,
          recipient: s.partnerEmail,
          ...certificationEmails[input.notice]!(s, input.detail ?? ''),
        });
        return id;
      });
    },
  };
}
