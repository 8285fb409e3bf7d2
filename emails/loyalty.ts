import type { IsoDate } from '../domain/calendar';

// The words of each loyalty notice, kept apart from the code that records and sends them.

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

export const newTier = (a: {
  companyName: string;
  captainName: string;
  fy: number;
  tier: number | null;
  averageUsd: number;
  quarterlyCredits: number;
}) =>
  a.tier === null
    ? {
        subject: `${a.companyName}: no Customer Loyalty awards in FY${a.fy}`,
        body: `Dear ${a.captainName},\n\nThe 3-year average of ${a.companyName}'s net bookings is $${Math.round(a.averageUsd).toLocaleString('en-US')}, under the program's $1,000,000 minimum, so there are no Learning Credit awards in FY${a.fy}. The tier is evaluated again next August.\n`,
      }
    : {
        subject: `${a.companyName}: your FY${a.fy} Customer Loyalty tier is ${a.tier}`,
        body: `Dear ${a.captainName},\n\nFrom the 3-year average of net bookings ($${Math.round(a.averageUsd).toLocaleString('en-US')}), ${a.companyName} is at tier ${a.tier} for FY${a.fy}: ${a.quarterlyCredits} Learning Credits each quarter, starting with the October award.\n`,
      };

export const award = (a: {
  companyName: string;
  captainName: string;
  credits: number;
  quarter: string;
  lotId: string;
  expiresOn: IsoDate;
}) => ({
  subject: `${a.companyName}: ${a.credits} Learning Credits awarded for ${a.quarter}`,
  body: `Dear ${a.captainName},\n\n${a.credits} Cisco Learning Credits have been awarded to ${a.companyName} for ${a.quarter} (lot ${a.lotId}). They are available now and expire on ${a.expiresOn}.\n`,
});

export const awardWithheld = (a: { companyName: string; captainName: string; quarter: string; termsVersion: string }) => ({
  subject: `${a.companyName}: the ${a.quarter} award is waiting for the new terms`,
  body: `Dear ${a.captainName},\n\nThe ${a.quarter} Learning Credits award was not made because the new terms and conditions (version ${a.termsVersion}) have not been accepted. Accept them to receive the next award.\n`,
});

export const captainAppointed = (a: { companyName: string; captainName: string }) => ({
  subject: `You are now ${a.companyName}'s Customer Loyalty Team Captain`,
  body: `Dear ${a.captainName},\n\nYou have been appointed Team Captain of ${a.companyName}'s Customer Loyalty account. You will receive its award notices and approve its redemptions.\n`,
});

export const newTermsWaiting = (a: { companyName: string; captainName: string; termsVersion: string }) => ({
  subject: `${a.companyName}: new Customer Loyalty terms (version ${a.termsVersion}) need your acceptance`,
  body: `Dear ${a.captainName},\n\nA new version (${a.termsVersion}) of the program's terms and conditions has been published. Please accept it before the next award; until then awards are withheld.\n`,
});
