// The words of each Learning Credit notice (CLC-2 … CLC-7), to the lot's owner or a redemption's approver.
import type { IsoDate } from '../domain/calendar';
import { lastDecisionDate, type Statement } from '../domain/credits';
import { letter, seg } from './letter';

/** Every credit notice greets its reader. */
type Facts = { name: string };

const lotPage = (a: { lotId: string }) => ({ label: 'See the lot', path: `/app/lots/${seg(a.lotId)}` }) as const;
const voucherPage = (a: { voucherId: string }) => ({ label: 'See the voucher', path: `/app/vouchers/${seg(a.voucherId)}` }) as const;
/** A statement without an account (credits bought outside the program) opens the reader's home page. */
const statementPage = (s: Statement) =>
  s.accountId
    ? ({ label: 'See the statement', path: `/app/accounts/${seg(s.accountId)}/statements/${s.month}` } as const)
    : ({ label: 'See your credits', path: '/app' } as const);

export const active = (a: Facts & { lotId: string; credits: number; expiresOn: IsoDate }) =>
  letter({
    subject: `${a.credits} Cisco Learning Credits are active (lot ${a.lotId})`,
    to: a.name,
    happened: `Your ${a.credits} Cisco Learning Credits (lot ${a.lotId}) are active.`,
    next: `Redeem them before they expire on ${a.expiresOn}.`,
    act: lotPage(a),
  });

export const reminder = (a: Facts & { lotId: string; balance: number; expiresOn: IsoDate; daysBefore: number }) =>
  letter({
    subject: `${a.balance} Learning Credits expire in ${a.daysBefore} days (lot ${a.lotId})`,
    to: a.name,
    happened: `${a.balance} credits of lot ${a.lotId} are unused and expire on ${a.expiresOn}.`,
    next:
      'Training must begin, and exam vouchers be ordered five days, before then. ' +
      'A one-time six-month extension may be requested from 60 days before to 60 days after the expiry date.',
    act: { label: 'Redeem or ask for an extension', path: `/app/lots/${seg(a.lotId)}` },
  });

/**
 * CLC-3, CLC-4: what an extension can still do: asked for already, ops' decision (the lot waits for it);
 * else the owner may ask until the end of the window's last day (both ends are open all day).
 */
export const forfeited = (
  a: Facts & { lotId: string; forfeited: number; expiresOn: IsoDate; extensionCloses: IsoDate | null; requestPending?: string | null },
) =>
  letter({
    subject: `${a.forfeited} Learning Credits expired (lot ${a.lotId})`,
    to: a.name,
    happened: `Lot ${a.lotId} expired on ${a.expiresOn}; its ${a.forfeited} unused credits are forfeited.`,
    next: a.requestPending
      ? `Your extension request ${a.requestPending} waits for ops' decision: approved, it restores them. Nothing more is needed from you.`
      : a.extensionCloses
        ? `Ask for the one six-month extension by the end of ${a.extensionCloses}: approved, it restores them.`
        : 'No extension can restore them: nothing more is needed from you.',
    act: lotPage(a),
  });

export const extensionDecided = (a: Facts & { lotId: string; approved: boolean; expiresOn: IsoDate; restored: number }) =>
  letter({
    subject: `Extension of lot ${a.lotId} ${a.approved ? 'approved' : 'denied'}`,
    to: a.name,
    happened: a.approved
      ? `Lot ${a.lotId} is extended to ${a.expiresOn}.${a.restored ? ` ${a.restored} forfeited credits are restored.` : ''}`
      : `The extension of lot ${a.lotId} was denied.`,
    next: a.approved
      ? `Redeem the credits before ${a.expiresOn}.`
      : `The lot keeps its expiry date ${a.expiresOn}: redeem its credits before then.`,
    act: lotPage(a),
  });

/** CLC-4: to ops, each extension request as it is asked for, with where to decide it. */
export const extensionRequested = (a: { lotId: string; requestId: string; usagePlan: string; by: string }) =>
  letter({
    subject: `Extension of lot ${a.lotId} requested by ${a.by}`,
    happened: `${a.by} asks for the one six-month extension of lot ${a.lotId} (request ${a.requestId}). The usage plan:\n\n${a.usagePlan}`,
    next: 'Approve or deny it in the queue of open extension requests.',
    act: { label: 'Decide the request', path: '/app/ops/extension-requests' },
  });

/** CLC-6: `holdUntil` is the day the hold is released; the day before it is the last to decide, all day. */
export const approvalWaiting = (a: Facts & { redemptionId: string; credits: number; kind: string; holdUntil: IsoDate }) =>
  letter({
    subject: `A ${a.kind} redemption of ${a.credits} credits waits for your approval`,
    to: a.name,
    happened: `Request ${a.redemptionId} asks for ${a.credits} credits (${a.kind}). The credits are held for it meanwhile.`,
    next: `Approve or reject it by the end of ${lastDecisionDate(a.holdUntil)}; undecided, its credits are released on ${a.holdUntil}.`,
    act: { label: 'Approve or reject the request', path: `/app/redemptions/${seg(a.redemptionId)}` },
  });

/** CLC-6: to a new Team Captain, the requests of the account that now wait for their decision. */
export const redemptionsHandedOver = (
  a: Facts & { accountId: string; waiting: { redemptionId: string; credits: number; kind: string; holdUntil: IsoDate }[] },
) =>
  letter({
    subject: `${a.waiting.length} redemption${a.waiting.length === 1 ? '' : 's'} ${a.waiting.length === 1 ? 'waits' : 'wait'} for your approval (account ${a.accountId})`,
    to: a.name,
    happened:
      `As the new Team Captain of account ${a.accountId} you now decide the requests your predecessor had not:\n\n` +
      a.waiting
        .map((w) => `${w.redemptionId}: ${w.credits} credits (${w.kind}), to decide by the end of ${lastDecisionDate(w.holdUntil)}`)
        .join('\n'),
    next: 'Approve or reject each; one undecided by its date is released, and its credits are available again.',
    act: { label: 'See the redemptions waiting', path: '/app' },
  });

export const redemptionSettled = (a: Facts & { redemptionId: string; credits: number; outcome: string }) =>
  letter({
    subject: `Redemption ${a.redemptionId} ${a.outcome}`,
    to: a.name,
    happened: `The request for ${a.credits} credits (${a.redemptionId}) is ${a.outcome}.`,
    next: a.outcome === 'approved' ? 'Nothing more is needed from you.' : 'The held credits are available again.',
    act: { label: 'See the request', path: `/app/redemptions/${seg(a.redemptionId)}` },
  });

/** CLC-8: the month's statement, its ledger lines as a table. */
export const statement = (s: Statement) =>
  letter({
    subject: `Your Cisco Learning Credits statement for ${s.month}${s.accountId ? ` (account ${s.accountId})` : ''}`,
    happened: statementTable(s),
    next: 'Credits are redeemed nearest expiry first; the extension of a lot may be asked from 60 days before its expiry.',
    act: statementPage(s),
  });

function statementTable(s: Statement): string {
  // CLC-8: a late entry keeps its own date and says why it was not on the statement of its month.
  const lines = s.lines.map(
    (l) => `${l.on}  ${l.lotId}  ${l.kind.padEnd(10)} ${String(l.credits).padStart(7)}  ${l.reason}${l.late ? ' (recorded late)' : ''}`,
  );
  return [`Statement for ${s.month}`, `Opening balance: ${s.openingBalance}`, ...lines, `Closing balance: ${s.closingBalance}`].join('\n');
}

/** CLC-5: to its holder (the learner), the exam voucher an approved redemption issued. */
export const voucherIssued = (a: Facts & { voucherId: string; exam: string; issuedOn: IsoDate; expiresOn: IsoDate }) =>
  letter({
    subject: `Your exam voucher for ${a.exam} (expires ${a.expiresOn})`,
    to: a.name,
    happened: `Exam voucher ${a.voucherId} for ${a.exam} was issued to you on ${a.issuedOn}. It expires on ${a.expiresOn} and cannot be refunded.`,
    next: `Schedule and take the exam with voucher ${a.voucherId} by ${lastDecisionDate(a.expiresOn)}.`,
    act: voucherPage(a),
  });

/** CLC-5 [default]: to its holder, 30 days before an unused voucher expires. */
export const voucherReminder = (a: Facts & { voucherId: string; exam: string; expiresOn: IsoDate; daysBefore: number }) =>
  letter({
    subject: `${a.daysBefore} days left on your exam voucher for ${a.exam}`,
    to: a.name,
    happened: `Exam voucher ${a.voucherId} for ${a.exam} expires on ${a.expiresOn}.`,
    next: `Schedule and take the exam by ${lastDecisionDate(a.expiresOn)}: an unused voucher is not refunded.`,
    act: voucherPage(a),
  });
