import type { IsoDate } from '../domain/calendar';

// The words of each Learning Credit notice.

type Who = { name: string };
export const active = (a: Who & { lotId: string; credits: number; expiresOn: IsoDate }) => ({
  subject: `${a.credits} Cisco Learning Credits are active (lot ${a.lotId})`,
  body: `Dear ${a.name},\n\nYour ${a.credits} Cisco Learning Credits (lot ${a.lotId}) are active and expire on ${a.expiresOn}.\n`,
});
export const reminder = (a: Who & { lotId: string; balance: number; expiresOn: IsoDate; daysBefore: number }) => ({
  subject: `${a.balance} Learning Credits expire in ${a.daysBefore} days (lot ${a.lotId})`,
  body: `Dear ${a.name},\n\n${a.balance} credits of lot ${a.lotId} are unused and expire on ${a.expiresOn}. Training must begin, and exam vouchers be ordered five days, before then. A one-time six-month extension may be requested from 60 days before to 60 days after the expiry date.\n`,
});
export const forfeited = (a: Who & { lotId: string; forfeited: number; expiresOn: IsoDate; extensionCloses: IsoDate | null }) => ({
  subject: `${a.forfeited} Learning Credits expired (lot ${a.lotId})`,
  body:
    `Dear ${a.name},\n\nLot ${a.lotId} expired on ${a.expiresOn}; its ${a.forfeited} unused credits are forfeited.` +
    (a.extensionCloses ? ` An extension approved by ${a.extensionCloses} would restore them.\n` : '\n'),
});
export const extensionDecided = (a: Who & { lotId: string; approved: boolean; expiresOn: IsoDate; restored: number }) => ({
  subject: `Extension of lot ${a.lotId} ${a.approved ? 'approved' : 'denied'}`,
  body: a.approved
    ? `Dear ${a.name},\n\nLot ${a.lotId} is extended to ${a.expiresOn}.${a.restored ? ` ${a.restored} forfeited credits are restored.` : ''}\n`
    : `Dear ${a.name},\n\nThe extension of lot ${a.lotId} was denied; it keeps its expiry date ${a.expiresOn}.\n`,
});
export const approvalWaiting = (a: Who & { redemptionId: string; credits: number; kind: string; holdUntil: IsoDate }) => ({
  subject: `A ${a.kind} redemption of ${a.credits} credits waits for your approval`,
  body: `Dear ${a.name},\n\nRequest ${a.redemptionId} asks for ${a.credits} credits (${a.kind}). The credits are held until ${a.holdUntil}; undecided by then, they are released.\n`,
});
export const redemptionSettled = (a: Who & { redemptionId: string; credits: number; outcome: string }) => ({
  subject: `Redemption ${a.redemptionId} ${a.outcome}`,
  body: `Dear ${a.name},\n\nThe request for ${a.credits} credits (${a.redemptionId}) is ${a.outcome}.${a.outcome === 'approved' ? '' : ' The held credits are available again.'}\n`,
});
