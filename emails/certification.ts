// The words of each Premier Certification notice (CERT-1 … CERT-5), to the partner.
import type { IsoDate } from '../domain/calendar';
import { letter, seg } from './letter';

/** Every certification notice names the country and greets the partner when its name is known. */
export type CertificationFacts = {
  /** The certification's id, as /v1/certifications/{id} names it. */
  id: string;
  name?: string | null;
  country: string;
  anniversary: IsoDate | null;
  detail: string;
  /** Named in notices to ops, which are about some partner. */
  partnerId?: string;
};

const certificationPage = (a: { id: string }) => ({ label: 'See the certification', path: `/app/certifications/${seg(a.id)}` }) as const;

export const approved = (a: CertificationFacts) =>
  letter({
    subject: `Premier Certification approved (${a.country})`,
    to: a.name,
    happened: `Your Premier Certification for ${a.country} is approved. Its anniversary date is ${a.anniversary}.`,
    next: 'Renewal opens 90 days before each anniversary; we will write when it does.',
    act: certificationPage(a),
  });

export const refused = (a: CertificationFacts) =>
  letter({
    subject: `Premier Certification application refused (${a.country})`,
    to: a.name,
    happened: `The application for ${a.country} was not approved.${a.detail ? ` ${a.detail}` : ''}`,
    next: 'You may apply again once every requirement is met.',
    act: certificationPage(a),
  });

export const renewalOpen = (a: CertificationFacts) =>
  letter({
    subject: `Premier Certification: renewal is open (${a.country})`,
    to: a.name,
    happened: 'Your certification is now in Re-Cert.',
    next: `Renew by ${a.anniversary} (at the latest 30 days after it) to keep it.`,
    act: certificationPage(a),
  });

export const renewalReminder = (a: CertificationFacts) =>
  letter({
    subject: `Reminder: renew your Premier Certification (${a.country})`,
    to: a.name,
    happened: `Your certification's anniversary is ${a.anniversary} and it is not renewed yet.`,
    next: a.detail,
    act: certificationPage(a),
  });

export const renewed = (a: CertificationFacts) =>
  letter({
    subject: `Premier Certification renewed (${a.country})`,
    to: a.name,
    happened: 'Your Premier Certification is renewed.',
    next: `The next anniversary is ${a.anniversary}; renewal opens 90 days before it.`,
    act: certificationPage(a),
  });

export const lost = (a: CertificationFacts) =>
  letter({
    subject: `Premier Certification lost (${a.country})`,
    to: a.name,
    happened: `No renewal was received by 30 days after the anniversary (${a.anniversary}): the certification is lost.`,
    next: 'You may apply again once every requirement is met.',
    act: certificationPage(a),
  });

export const csatFailed = (a: CertificationFacts) =>
  letter({
    subject: `Premier Certification out of compliance: customer satisfaction (${a.country})`,
    to: a.name,
    happened: `The customer satisfaction measurement fell short: ${a.detail}.`,
    next: 'Please tell us how you will be compliant again; an extension may be granted.',
    act: certificationPage(a),
  });

export const extensionGranted = (a: CertificationFacts) =>
  letter({
    subject: `Premier Certification: compliance extension granted (${a.country})`,
    to: a.name,
    happened: 'A compliance extension is granted.',
    next: `You have until ${a.detail} to be compliant again.`,
    act: certificationPage(a),
  });

export const revoked = (a: CertificationFacts) =>
  letter({
    subject: `Premier Certification revoked (${a.country})`,
    to: a.name,
    happened: `The certification is revoked: ${a.detail}.`,
    next: 'You may apply again once every requirement is met.',
    act: certificationPage(a),
  });

/** CERT-5: to ops, who decide; the service revokes nothing by itself. `detail`: the extension's last day and the reason. */
export const extensionEnded = (a: CertificationFacts) =>
  letter({
    subject: `Premier Certification ${a.partnerId} (${a.country}): the compliance extension has ended, confirm or revoke`,
    happened: `The compliance extension of ${a.partnerId} in ${a.country} ${a.detail}; it is not recorded as compliant again.`,
    next: 'The certification stays as it is until you decide: confirm it is compliant again, grant more time, or revoke it.',
    act: { label: 'Decide it', path: `/app/certifications/${seg(a.id)}` },
  });
