// The words of each Premier Certification notice (CERT-1 … CERT-5), kept apart from the code that records them.
import type { CertificationState } from '../workflows/certificationDefinitions';

export const certificationEmails: Record<string, (s: CertificationState, detail: string) => { subject: string; body: string }> = {
  approved: (s) => ({
    subject: `Premier Certification approved (${s.country})`,
    body: `Your Premier Certification for ${s.country} is approved. Its anniversary date is ${s.anniversary}; renewal opens 90 days before each anniversary.\n`,
  }),
  refused: (s, d) => ({
    subject: `Premier Certification application refused (${s.country})`,
    body: `The application for ${s.country} was not approved. ${d}\n`,
  }),
  'recert-open': (s) => ({
    subject: `Premier Certification: renewal is open (${s.country})`,
    body: `Your certification is now in Re-Cert: renew by ${s.anniversary} (at the latest 30 days after it) to keep it.\n`,
  }),
  reminder: (s, d) => ({
    subject: `Reminder: renew your Premier Certification (${s.country})`,
    body: `Your certification's anniversary is ${s.anniversary}. ${d}\n`,
  }),
  renewed: (s) => ({
    subject: `Premier Certification renewed (${s.country})`,
    body: `Renewed. The next anniversary is ${s.anniversary}.\n`,
  }),
  lapsed: (s) => ({
    subject: `Premier Certification lost (${s.country})`,
    body: `No renewal was received by 30 days after the anniversary (${s.anniversary}): the certification is lost.\n`,
  }),
  'csat-failed': (s, d) => ({
    subject: `Premier Certification out of compliance: customer satisfaction (${s.country})`,
    body: `The customer satisfaction measurement fell short: ${d}.\n`,
  }),
  extension: (s, d) => ({
    subject: `Premier Certification: compliance extension granted (${s.country})`,
    body: `You have until ${d} to be compliant again.\n`,
  }),
  revoked: (s, d) => ({ subject: `Premier Certification revoked (${s.country})`, body: `The certification is revoked: ${d}.\n` }),
};
