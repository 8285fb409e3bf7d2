import { saveCertification } from '../db/certification';
import { enqueueNotice, noticeKey, partnerNameFor } from '../db/notifications';
import * as emails from '../emails/certification';
import type { CertificationState } from '../workflows/certificationDefinitions';
import type { ActivityDeps } from './index';

// CERT-1 … CERT-5: each lifecycle event updates the certification's read model and, where the partner
// is told, writes its notice in the same transaction (key: certification id + event).

/** The email of each notice the workflow names (the names are in recorded histories: keep them). */
const emailFor = {
  approved: emails.approved,
  refused: emails.refused,
  'recert-open': emails.renewalOpen,
  reminder: emails.renewalReminder,
  renewed: emails.renewed,
  lapsed: emails.lost,
  'csat-failed': emails.csatFailed,
  extension: emails.extensionGranted,
  revoked: emails.revoked,
} as const;

export type CertificationNotice = keyof typeof emailFor;

export function createCertificationActivities({ db }: ActivityDeps) {
  return {
    /** Records the state after `event`; returns the notice key when the partner is told, else null. */
    async recordCertificationEvent(input: {
      s: CertificationState;
      event: string;
      notice?: CertificationNotice;
      detail?: string;
    }): Promise<string | null> {
      const { s, notice } = input;
      return db.transaction(async (trx) => {
        await saveCertification(trx, s);
        if (!notice) return null;
        const id = noticeKey('cert', s.id, input.event);
        const name = await partnerNameFor(trx, s.partnerEmail);
        const email = emailFor[notice]({ name, country: s.country, anniversary: s.anniversary, detail: input.detail ?? '' });
        await enqueueNotice(trx, { id, accountId: null, kind: `cert-${notice}`, recipient: s.partnerEmail, ...email });
        return id;
      });
    },
  };
}
