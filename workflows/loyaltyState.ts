// A loyalty account's state and what each message does to it; the time-driven steps are in
// loyaltySteps.ts, the wiring in loyalty.ts.
import { condition, patched, setCurrentDetails, upsertSearchAttributes, type ApplicationFailure } from '@temporalio/workflow';
import { addDays, priorFiscalYears, type IsoDate } from '../domain/calendar';
import {
  combineBookings,
  futureBookingsYearProblem,
  membersOf,
  mergeBookings,
  missingBookingYears,
  threeYearAverageUsd,
  tierFor,
  type Bookings,
} from '../domain/loyalty';
import { today } from './clock';
import { failureTypes } from './definitions';
import { accountAudit, type AuditActor } from './loyaltyAudit';
import {
  loyaltySearchAttributes as sa,
  type AcceptTermsInput,
  type AddCompanyInput,
  type LoyaltyAccountInput,
  type LoyaltyAccountState,
  type TeamCaptain,
  type WithdrawInput,
} from './loyaltyDefinitions';
import { acts, refusal, whenFirstWritten } from './shared';

export class LoyaltyAccount {
  readonly s: LoyaltyAccountState;
  withdrawal: WithdrawInput | null = null;
  withdrawnBy: AuditActor | undefined; // issue 24: who asked for the withdrawal, audited with it
  /** LOY-3: companies whose claim is in flight (a second add of one of them is refused meanwhile). */
  claiming: string[] = [];
  /** LOY-6: the day a tier that waited for bookings was set: awards due before it are made, and dated, that day. */
  lateAwardsUntil: IsoDate | null = null;
  /** Handlers that write wait for the account row the first activity creates (foreign keys need it). */
  recorded: boolean;
  /** Issue 24: a captain replacement is between its record and its change (loyaltyCaptain.ts). */
  captainChanging = false;
  refused: ApplicationFailure | null = null; // issue 24 finding 2: that first write, refused by Postgres

  constructor(readonly input: LoyaltyAccountInput) {
    this.s = input.carried ?? initialState(input);
    this.recorded = input.carried !== undefined;
  }

  /** Who most activities are about: the account, its company and its current Team Captain. */
  party() {
    const { accountId, companyName, teamCaptain: captain, lifecycle = 1 } = this.s;
    return { accountId, companyName, captain, lifecycle };
  }

  termsPending = () => this.s.termsAccepted?.version !== this.s.termsVersion;
  whenRecorded = () => whenFirstWritten(this);

  assertOpen(): void {
    const { state } = this.s;
    if (state === 'withdrawn' || state === 'lapsed' || this.withdrawal)
      throw refusal(failureTypes.conflict, `the account is ${this.withdrawal ? 'being withdrawn' : state}`);
  }

  async nominationRecorded(): Promise<LoyaltyAccountState> {
    await this.whenRecorded();
    return this.s;
  }

  validateAcceptTerms({ version, ccoId }: AcceptTermsInput): void {
    const s = this.s;
    if (s.state === 'lapsed' || s.state === 'withdrawn') throw refusal(failureTypes.conflict, `the account is ${s.state}`);
    if (!this.termsPending()) throw refusal(failureTypes.conflict, `terms version ${s.termsVersion} is already accepted`);
    if (ccoId !== s.teamCaptain.ccoId) throw refusal(failureTypes.forbidden, "only the account's Team Captain accepts its terms");
    if (version !== s.termsVersion)
      throw refusal(failureTypes.invalid, `terms version ${version} is not the current version ${s.termsVersion}`, [{ field: 'version' }]);
  }

  async acceptTerms({ version, ccoId }: AcceptTermsInput, by?: AuditActor): Promise<LoyaltyAccountState> {
    const acceptance = { version, acceptedBy: ccoId, acceptedOn: today() };
    await this.whenRecorded();
    const { accountId, lifecycle } = this.s;
    const audit = accountAudit(accountId, by, 'terms.accepted', { termsAccepted: this.s.termsAccepted }, { termsAccepted: acceptance });
    await acts.recordTermsAcceptance({ accountId, lifecycle, version, ccoId, acceptedOn: acceptance.acceptedOn, audit });
    this.s.termsAccepted = acceptance;
    await condition(() => this.s.state !== 'nominated');
    return this.s;
  }

  /**
   * LOY-9: the main loop carries the withdrawal out (close()); this handler waits for it. So every place the
   * main loop waits, a withdrawal must end that wait too (runEnrolled's sleep, the year-end drain in
   * loyalty.ts): a handler never waits for what only a main loop waiting for handlers would do.
   */
  async withdraw(w: WithdrawInput, by?: AuditActor): Promise<LoyaltyAccountState> {
    [this.withdrawal, this.withdrawnBy] = [w, by];
    await condition(() => this.s.state === 'withdrawn');
    return this.s;
  }

  /** LOY-8: the replacement itself is in loyaltyCaptain.ts. */
  validateReplaceCaptain(captain: TeamCaptain): void {
    this.assertOpen();
    if (captain.ccoId === this.s.teamCaptain.ccoId) throw refusal(failureTypes.conflict, `${captain.ccoId} is already the Team Captain`);
  }

  validatePublishTerms({ version }: { version: string }): void {
    this.assertOpen();
    if (version === this.s.termsVersion) throw refusal(failureTypes.conflict, `terms version ${version} is already in force`);
  }

  /** LOY-8: a new terms version needs a new acceptance before the next award. */
  async publishTerms({ version }: { version: string }): Promise<LoyaltyAccountState> {
    this.s.termsVersion = version;
    await this.whenRecorded();
    await acts.sendNotice(await acts.recordNewTerms({ ...this.party(), termsVersion: version }));
    return this.s;
  }

  async setAutoApproval({ enabled }: { enabled: boolean }, by?: AuditActor): Promise<LoyaltyAccountState> {
    await this.whenRecorded();
    const audit = accountAudit(this.s.accountId, by, 'auto-approval.set', { autoApproval: this.s.autoApproval }, { autoApproval: enabled });
    await acts.recordAutoApproval({ accountId: this.s.accountId, enabled, audit });
    this.s.autoApproval = enabled;
    return this.s;
  }

  /** LOY-6: bookings of a fiscal year not begun yet are refused, naming the field (the API refuses them first). */
  validateRecordBookings({ fiscalYear }: Bookings): void {
    this.assertOpen();
    const problem = futureBookingsYearProblem(fiscalYear, today());
    if (problem) throw refusal(failureTypes.invalid, problem, [{ field: 'fiscalYear' }]);
  }

  /** LOY-6: the latest bookings, used at the next August re-tier (and by a tier waiting for them, at once). */
  async recordBookings(bookings: Bookings, by?: AuditActor): Promise<LoyaltyAccountState> {
    await this.whenRecorded();
    const merged = mergeBookings(this.s.bookings, bookings);
    const audit = accountAudit(this.s.accountId, by, 'bookings', { bookings: this.s.bookings }, { bookings: merged });
    await acts.recordBookings({ accountId: this.s.accountId, bookings, audit });
    this.s.bookings = merged;
    return this.s;
  }

  /** LOY-3: the member companies counted so far (runs started before LOY-3: the nominated company). */
  members(): { id: string; name: string }[] {
    return this.s.companies ?? membersOf(this.input.nomination).companies.map(({ id, name }) => ({ id, name }));
  }

  validateAddCompany({ id }: AddCompanyInput): void {
    this.assertOpen();
    if ([...this.members(), ...(this.s.joiningCompanies ?? [])].some((c) => c.id === id) || this.claiming.includes(id)) {
      const message = `${id} already belongs to account ${this.s.accountId}`;
      throw refusal(failureTypes.conflict, message, [{ field: 'id', message }]);
    }
  }

  /**
   * LOY-3: a company joins the open group account; its bookings wait for the next re-tier. It is claimed in
   * Postgres first: another account that claimed it at the same moment has it, and this one is refused
   * naming that account (the API's read-model check alone let both through).
   */
  async addCompany(company: AddCompanyInput, by?: AuditActor): Promise<LoyaltyAccountState> {
    const joining = { ...company, bookings: company.bookings.map((b) => ({ ...b })), addedOn: today() };
    if (patched('loyalty-claim-company')) {
      this.claiming = [...this.claiming, company.id];
      await this.whenRecorded();
      const audit = accountAudit(this.s.accountId, by, 'companies', null, { company: { ...company, addedBy: undefined } });
      const claim = await acts.claimCompany({ accountId: this.s.accountId, company: joining, audit }).finally(() => {
        this.claiming = this.claiming.filter((id) => id !== company.id);
      });
      if (claim.heldBy !== null) {
        const message = `${company.id} belongs to account ${claim.heldBy}`;
        throw refusal(failureTypes.conflict, message, [{ field: 'id', message }]);
      }
      this.s.joiningCompanies = [...(this.s.joiningCompanies ?? []), joining];
      return this.s;
    }
    this.s.joiningCompanies = [...(this.s.joiningCompanies ?? []), joining];
    await this.whenRecorded();
    if (patched('loyalty-add-company')) await acts.recordCompanyJoined({ accountId: this.s.accountId, company: joining });
    return this.s;
  }

  /** LOY-3: at a re-tier the companies added since the last one count: their bookings join the group's. */
  countJoiningCompanies(): void {
    const joining = this.s.joiningCompanies ?? [];
    if (joining.length === 0) return;
    this.s.bookings = combineBookings([this.s.bookings, ...joining.map((c) => c.bookings)]).slice(-4);
    this.s.companies = [...this.members(), ...joining.map(({ id, name }) => ({ id, name }))];
    this.s.joiningCompanies = [];
  }

  /** ALL-1: what ops search by and read in the Web UI. */
  publish(): void {
    const s = this.s;
    upsertSearchAttributes([
      { key: sa.AccountId, value: s.accountId },
      { key: sa.LoyaltyState, value: s.state },
      { key: sa.Tier, value: s.tier },
      { key: sa.NextAwardDate, value: s.nextAwardDate ? new Date(`${s.nextAwardDate}T00:00:00Z`) : null },
    ]);
    setCurrentDetails(
      `**${s.companyName}** (${s.corporateGroupId}) — ${s.state}` +
        (s.tier ? `, tier ${s.tier} (${s.quarterlyCredits} credits a quarter)` : '') +
        (s.nextAwardDate ? `, next award ${s.nextAwardDate}` : '') +
        `\n\nTeam Captain: ${s.teamCaptain.name} (${s.teamCaptain.ccoId}); awards so far: ${s.awardsMade} (${s.creditsAwarded} credits)` +
        (this.termsPending() && s.state === 'enrolled' ? `\n\nWaiting for acceptance of terms ${s.termsVersion}` : ''),
    );
  }
}

/** A new account's state, as nominated (benchmarks start from it too). */
export function initialState(input: LoyaltyAccountInput): LoyaltyAccountState {
  const { nominatedOn, settings } = input;
  // LOY-3: a group account: its name, its members and their combined bookings (one company in v0.1.0).
  const { group, companies, bookings } = membersOf(input.nomination);
  return {
    accountId: input.accountId,
    state: 'nominated',
    companyName: group.name,
    corporateGroupId: group.id,
    teamCaptain: { ...input.nomination.teamCaptain },
    nominatedOn,
    lapsesOn: addDays(nominatedOn, settings.lapseAfterDays),
    termsVersion: input.termsVersion,
    termsAccepted: null,
    // LOY-5: a provisional tier from the nomination's bookings (none while a year is missing, never $0).
    tier:
      missingBookingYears(bookings, nominatedOn).length > 0 ? null : tierFor(threeYearAverageUsd(bookings, priorFiscalYears(nominatedOn))),
    quarterlyCredits: 0,
    nextAwardDate: null,
    nextRetierOn: null,
    remindersSent: 0,
    captainChanges: 0,
    awardsMade: 0,
    creditsAwarded: 0,
    lastAward: null,
    autoApproval: false,
    bookings,
    companies: companies.map(({ id, name }) => ({ id, name })),
    lifecycle: input.lifecycle ?? 1,
  };
}
