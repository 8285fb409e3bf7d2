import type { AuditEntry } from '../db/audit';
import { saveCertification } from '../db/certification';
import { certifiedSince, earlierCsat } from '../db/certificationReads';
import { enqueueNotice, noticeKey, partnerNameFor } from '../db/notifications';
import * as emails from '../emails/certification';
import type { CertificationState } from '../workflows/certificationDefinitions';
import { recordCarriedAudit } from './audit';
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
  'extension-ended': emails.extensionEnded,
} as const;

/** Notices to ops rather than the partner: to OPS_EMAIL. */
const toOps: readonly CertificationNotice[] = ['extension-ended'];

export type CertificationNotice = keyof typeof emailFor;

export function createCertificationActivities({ db, config }: ActivityDeps) {
  return {
    /** CERT-4: whether the partner was Premier certified on or after `since` (then it is not "new"). */
    partnerCertifiedSince: ({ partnerId, since }: { partnerId: string; since: string }): Promise<boolean> =>
      certifiedSince(db, partnerId, since),
    /** CERT-4: what the last lifecycle of certification `id` left of its customer satisfaction record (null: nothing). */
    earlierCsatOf: async ({ id }: { id: string }) => (await earlierCsat(db, id)) ?? null,
    /** Issue 24: the audit row of a command that changes the workflow's state alone (certificationAudit.ts). */
    recordCertificationAudit: (audit: AuditEntry): Promise<void> => recordCarriedAudit(db, audit),
    /** Records the state after `event` (with its audit row, if carried); returns the notice key when the partner is told, else null. */
    async recordCertificationEvent(input: {
      s: CertificationState;
      event: string;
      notice?: CertificationNotice;
      detail?: string;
      audit?: AuditEntry;
    }): Promise<string | null> {
      const { s, notice } = input;
      return db.transaction(async (trx) => {
        await saveCertification(trx, s);
        await recordCarriedAudit(trx, input.audit);
        if (!notice) return null;
        const id = noticeKey('cert', s.id, input.event);
        const ops = toOps.includes(notice);
        const name = ops ? null : await partnerNameFor(trx, s.partnerEmail);
        const facts = {
          id: s.id,
          name,
          country: s.country,
          anniversary: s.anniversary,
          detail: input.detail ?? '',
          partnerId: s.partnerId,
        };
        const recipient = ops ? config.opsEmail : s.partnerEmail;
        await enqueueNotice(trx, { id, accountId: null, kind: `cert-${notice}`, recipient, ...emailFor[notice](facts) });
        return id;
      });
    },
  };
}
