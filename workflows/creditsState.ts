// A credit lot's state and what each message does to it; the time-driven steps are in creditsSteps.ts,
// the wiring in credits.ts.
import { patched, setCurrentDetails, upsertSearchAttributes, workflowInfo, type ApplicationFailure } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';
import { extendedExpiry, extensionWindow } from '../domain/credits';
import { today } from './clock';
import { creditSearchAttributes as csa, type CreditLotInput, type CreditLotState, type LotRecord } from './creditsDefinitions';
import { failureTypes } from './definitions';
import { loyaltySearchAttributes as sa } from './loyaltyDefinitions';
import { acts, refusal, whenFirstWritten } from './shared';
import type { AuditActor, AuditEntry } from '../db/audit';

type ExtensionRequestInput = { requestId: string; usagePlan: string; by: string };
type ExtensionDecision = { requestId: string; approve: boolean; by: string };

export class CreditLot {
  readonly lot: LotRecord;
  readonly s: CreditLotState;
  readonly purchasedBy: CreditLotInput['purchasedBy'];
  recorded: boolean;
  /** Issue 24 finding 2: the lot's first write refused by Postgres; the handlers waiting for the row answer it. */
  refused: ApplicationFailure | null = null;
  /** The searchable values last upserted: each upsert is a visibility write on the server. */
  private published = '';

  constructor(input: CreditLotInput) {
    const { lot } = input;
    [this.lot, this.purchasedBy] = [lot, input.purchasedBy];
    this.s = input.carried ?? {
      lot,
      state: lot.source === 'purchase' ? 'pending' : 'active',
      expiresOn: lot.expiresOn,
      balance: lot.credits,
      remindedOn: [],
      forfeited: 0,
      extension: null,
      closesOn: extensionWindow(lot.expiresOn).closes,
    };
    this.recorded = input.carried !== undefined;
  }

  async lotRecorded(): Promise<CreditLotState> {
    await whenFirstWritten(this);
    return this.s;
  }

  /** A redemption moved credits: the Balance search attribute follows. */
  balanceChanged(balance: number): void {
    this.s.balance = balance;
    this.publish();
  }

  validateExtensionRequest(_request: ExtensionRequestInput): void {
    const { s, lot } = this;
    if (s.extension) throw refusal(failureTypes.conflict, `lot ${lot.id} already had its one extension request (${s.extension.requestId})`);
    const window = extensionWindow(s.expiresOn);
    const on = today();
    if (s.state === 'closed' || on < window.opens || on > window.closes) {
      throw refusal(failureTypes.invalid, `extension requests for lot ${lot.id} are open from ${window.opens} to ${window.closes}`, [
        { field: 'requestedOn' },
      ]);
    }
  }

  /** CLC-4: one request, from 60 days before to 60 days after expiry, with a usage plan. */
  async requestExtension({ requestId, usagePlan, by }: ExtensionRequestInput): Promise<CreditLotState> {
    const on = today();
    await whenFirstWritten(this);
    const told = await acts.recordExtensionRequest({ lotId: this.lot.id, requestId, usagePlan, by, on });
    // v0.1.0 recorded the request and told no one (its activity returned nothing).
    if (patched('lot-tells-ops-of-extension-request') && told) await acts.sendNotice(told);
    this.s.extension = { requestId, usagePlan, requestedBy: by, requestedOn: on, status: 'pending' };
    this.publish();
    return this.s;
  }

  validateExtensionDecision({ requestId }: ExtensionDecision): void {
    const request = this.s.extension;
    if (!request || request.requestId !== requestId)
      throw refusal(failureTypes.invalid, `no extension request ${requestId} for lot ${this.lot.id}`, [{ field: 'requestId' }]);
    if (request.status !== 'pending') throw refusal(failureTypes.conflict, `extension request ${requestId} is already ${request.status}`);
  }

  /** CLC-4: approved, the lot expires six months later (and forfeited credits return); it closes then. */
  async decideExtension({ requestId, approve, by }: ExtensionDecision, actor?: AuditActor): Promise<CreditLotState> {
    const s = this.s;
    const on = today();
    const restore = approve && s.state === 'expired' ? s.forfeited : 0;
    const newExpiry = approve ? extendedExpiry(s.expiresOn) : s.expiresOn;
    const audit = actor && extensionDecisionAudit(actor, this.lot.id, s, { approve, newExpiry, restore });
    await acts.sendNotice(await acts.decideExtension({ lotId: this.lot.id, requestId, approve, newExpiry, restore, by, on, audit }));
    s.extension = { ...s.extension!, status: approve ? 'approved' : 'denied' };
    if (approve) {
      s.expiresOn = newExpiry;
      s.closesOn = newExpiry; // no second extension: the lot closes at its new expiry
      s.state = 'active';
      s.balance += restore;
      s.forfeited -= restore;
    }
    this.publish();
    return s;
  }

  /** A wake-up condition: the expiry moved (an extension) or the run should continue as new. */
  expiryMoved = (expiry: IsoDate) => () => this.s.expiresOn !== expiry || workflowInfo().continueAsNewSuggested;

  /** ALL-1: what ops search by (only when a searchable value changed) and read in the Web UI. */
  publish(): void {
    const { s, lot } = this;
    const values = JSON.stringify([s.state, s.expiresOn, s.balance]);
    if (values !== this.published)
      upsertSearchAttributes([
        { key: csa.LotId, value: lot.id },
        { key: sa.AccountId, value: lot.accountId ?? '' },
        { key: csa.LotState, value: s.state },
        { key: csa.ExpiresOn, value: new Date(`${s.expiresOn}T00:00:00Z`) },
        { key: csa.Balance, value: s.balance },
      ]);
    this.published = values;
    setCurrentDetails(
      `Lot **${lot.id}** (${lot.source}, ${lot.credits} credits) — ${s.state}, balance ${s.balance}, expires ${s.expiresOn}` +
        (s.extension ? `\n\nExtension ${s.extension.requestId}: ${s.extension.status}` : ''),
    );
  }
}

/**
 * Issue 24: ops' decision on an extension request, audited by the activity that writes it (in its
 * transaction): the request before, its status and the lot after.
 */
function extensionDecisionAudit(
  by: AuditActor,
  lotId: string,
  s: CreditLotState,
  d: { approve: boolean; newExpiry: IsoDate; restore: number },
): AuditEntry {
  const lot = d.approve
    ? { id: lotId, state: 'active', expiresOn: d.newExpiry, balance: s.balance + d.restore }
    : { id: lotId, state: s.state, expiresOn: s.expiresOn, balance: s.balance };
  const [entityType, entityId] = ['extension-request' as const, s.extension!.requestId];
  const after = { status: d.approve ? 'approved' : 'denied', lot };
  return { actor: by.actor, actorName: by.name, action: 'extension-request.decided', entityType, entityId, before: s.extension, after };
}
