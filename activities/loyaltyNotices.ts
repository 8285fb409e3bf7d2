// The words of each loyalty notice, kept apart from the code that records and sends them.
import type { IsoDate } from '../domain/calendar';

export const termsWaiting = (a: { companyName: string; captainName: string; termsVersion: string; lapsesOn: IsoDate }) => ({
  subject: `${a.companyName}: the Customer Loyalty Program terms are waiting for you`,
  body:
    `Dear ${a.captainName},\n\n${a.companyName} has been nominated for the Cisco Customer Loyalty Program, ` +
    `with you as its Team Captain. Please review and accept the terms and conditions (version ${a.termsVersion}) ` +
    `to complete enrollment. The nomination lapses on ${a.lapsesOn} if the terms are not accepted.\n`,
});

export const termsReminder = (a: { companyName: string; captainName: string; termsVersion: string; lapsesOn: IsoDate }) => ({
  subject: `Reminder: ${a.companyName}'s Customer Loyalty Program terms are still waiting`,
  body: `Dear ${a.captainName},\n\nThe terms and conditions (version ${a.termsVersion}) for ${a.companyName} are still waiting for your acceptance. The nomination lapses on ${a.lapsesOn}.\n`,
});

export const nominationLapsed = (a: { companyName: string; captainName: string }) => ({
  subject: `${a.companyName}: the Customer Loyalty Program nomination has lapsed`,
  body: `Dear ${a.captainName},\n\nThe terms were not accepted in time, so ${a.companyName}'s nomination has lapsed. Your Account Manager can nominate again.\n`,
});

export const enrolled = (a: { companyName: string; captainName: string; firstAwardDate: IsoDate; tier: number | null }) => ({
  subject: `${a.companyName} is enrolled in the Customer Loyalty Program`,
  body:
    `Dear ${a.captainName},\n\nThank you for accepting the terms. ${a.companyName} is enrolled` +
    (a.tier ? ` at tier ${a.tier}` : '') +
    `. The first Learning Credits award is scheduled for ${a.firstAwardDate}.\n`,
});

export const withdrawn = (a: { companyName: string; captainName: string; reason: string }) => ({
  subject: `${a.companyName} has been withdrawn from the Customer Loyalty Program`,
  body: `Dear ${a.captainName},\n\n${a.companyName}'s account has been withdrawn (${a.reason}). Credits already awarded keep their own expiry dates.\n`,
});
