// An engagement's state and what each message does to it; the time-driven steps are in
// incentivesSteps.ts, the wiring in incentives.ts.
import { condition, setCurrentDetails, upsertSearchAttributes, type ApplicationFailure } from '@temporalio/workflow';
import { goalProgress, mergeReadings, PHASE_DEADLINE_MONTHS, phaseDeadline, type Reading } from '../domain/incentives';
import { deadlineTimer, today } from './clock';
import { failureTypes } from './definitions';
import { incentiveSearchAttributes as isa, type EngagementInput, type EngagementState } from './incentivesDefinitions';
import { refusal } from './shared';

// Telemetry wakes an engagement often, so a wake-up that changes nothing writes nothing to the history:
// one deadline timer per phase (not one per wake-up), search attributes upserted only when the phase
// changes, and the payment and its email as local activities (a phase change is one workflow task).
export class Engagement {
  readonly s: EngagementState;
  /** LCI-4: the months each phase has, kept from the engagement's start (its input, carried across runs). */
  readonly phaseMonths: number;
  /** Issue 24: who opened it (the engagement's first record audits it). */
  readonly openedBy: EngagementInput['openedBy'];
  recorded: boolean;
  /** LCI-5: why this engagement never opened (another was open for the same three), once its record found it. */
  refusedBecause: { message: string; fields: { field: string; message: string }[] } | undefined;
  /** Issue 24 finding 2: its first write refused by Postgres; the update waiting for the record answers it. */
  refused: ApplicationFailure | null = null;
  /** Readings came since the engagement last looked. */
  fresh = false;
  phaseTimer: ReturnType<typeof deadlineTimer> | undefined;
  private upserted: string | undefined;

  constructor(input: EngagementInput) {
    const on = today();
    this.phaseMonths = input.phaseMonths ?? PHASE_DEADLINE_MONTHS;
    this.openedBy = input.openedBy;
    this.s = input.carried ?? {
      engagementId: input.engagementId,
      partnerId: input.partnerId,
      customerId: input.customerId,
      partnerEmail: input.partnerEmail,
      useCase: input.useCase,
      state: 'active',
      phaseIndex: 0,
      phaseStartedOn: on,
      deadline: phaseDeadline(on, this.phaseMonths),
      latest: {},
      payments: [],
    };
    this.recorded = input.carried !== undefined;
  }

  phase = () => this.s.useCase.phases[this.s.phaseIndex]!;

  /** Who the engagement's notices are about and for. */
  party() {
    return { engagementId: this.s.engagementId, partnerEmail: this.s.partnerEmail };
  }

  /** Answers once the engagement is recorded, or refuses as its record did (LCI-5). */
  async engagementRecorded(): Promise<EngagementState> {
    await condition(() => this.recorded || this.refusedBecause !== undefined || this.refused !== null);
    if (this.refused) throw this.refused;
    if (this.refusedBecause) throw this.refusal();
    return this.s;
  }

  /** LCI-5: the refusal the API answers 409 with. */
  refusal() {
    const r = this.refusedBecause!;
    return refusal(failureTypes.conflict, r.message, r.fields);
  }

  /** LCI-2: readings may come twice, late or out of order: only the newest of each metric counts. */
  readings(readings: Reading[]): void {
    this.s.latest = mergeReadings(this.s.latest, readings);
    this.fresh = true;
  }

  /** LCI-3: the current phase's deadline timer, armed anew when the phase changes. */
  armDeadline(): void {
    this.phaseTimer?.cancel();
    this.phaseTimer = deadlineTimer(this.s.deadline);
  }

  /** ALL-1: what ops search by (only when the phase changed) and read in the Web UI. */
  publish(): void {
    const s = this.s;
    const active = s.state === 'active';
    const phaseAttr = active ? this.phase().name : s.state;
    if (phaseAttr !== this.upserted)
      upsertSearchAttributes([
        { key: isa.PartnerId, value: s.partnerId },
        { key: isa.CustomerId, value: s.customerId },
        { key: isa.UseCase, value: s.useCase.id },
        { key: isa.Phase, value: phaseAttr },
      ]);
    this.upserted = phaseAttr;
    const progress = active
      ? goalProgress(this.phase(), s.latest).map((g) => `${g.metric} ${g.comparison} ${g.threshold}: ${g.value ?? '–'} ${g.met ? '✓' : ''}`)
      : [];
    setCurrentDetails(
      `Engagement **${s.engagementId}** (${s.partnerId} → ${s.customerId}, ${s.useCase.name}) — ${active ? `${this.phase().name} until ${s.deadline}` : s.state}` +
        (active ? `\n\n${progress.join('\n')}` : ''),
    );
  }
}
