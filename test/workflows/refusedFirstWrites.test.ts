import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { toHttpError } from '../../api/errorHandler';
import { SAMPLE_CATALOGUE } from '../../domain/incentives';
import { certification } from '../../workflows/certification';
import { certificationId, certificationRecordedUpdate, certificationWorkflowId } from '../../workflows/certificationDefinitions';
import { creditLot } from '../../workflows/credits';
import { creditLotWorkflowId, lotRecordedUpdate, requestExtensionUpdate, type LotRecord } from '../../workflows/creditsDefinitions';
import { incentiveEngagement } from '../../workflows/incentives';
import { engagementRecordedUpdate, incentiveWorkflowId, type EngagementInput } from '../../workflows/incentivesDefinitions';
import { fullRequirements } from '../helpers/certification';
import { uniqueId } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Issue 24 finding 2: the first write of a credit lot, a certification or an engagement that Postgres refuses
// answers the request that started it 422, fails the run with the refusal, writes nothing, and blocks no
// corrected retry. Each workflow is started as its API route starts it (update-with-start), with a value only
// Postgres refuses, past the API's own validation.
const START = '2027-03-10';
const useCase = SAMPLE_CATALOGUE[0]!;

describe('issue 24 finding 2: a refused first write ends its lifecycle with a 422 (ALL-2)', () => {
  let h: WorkflowHarness;

  beforeAll(async () => {
    h = await workflowHarness({ startOn: START });
  });

  afterAll(async () => h?.close());

  async function newPartner() {
    const partnerId = uniqueId('P');
    const email = `${partnerId.toLowerCase()}@partner.example`;
    await h.db('partners').insert({ id: partnerId, name: `${partnerId} Ltd`, email });
    return { partnerId, email };
  }

  /** What the request that started the run was answered, as the API maps it. */
  async function answerOf(answer: Promise<unknown>) {
    const err = await answer.then(
      () => undefined,
      (e: unknown) => e,
    );
    return toHttpError(err);
  }

  /** The run closed failed with the refusal (what ops see in the Web UI), after one attempt of its activity. */
  async function expectRefusedRun(run: WorkflowHandle) {
    const ended = await run.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ended).toBeInstanceOf(WorkflowFailedError);
    const cause = (ended as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('RefusedData');
    expect((await run.describe()).status.name).toBe('FAILED');
    const events = (await run.fetchHistory()).events ?? [];
    // Never retried: neither a second attempt of the activity nor a backoff timer before one.
    expect(events.filter((e) => e.activityTaskStartedEventAttributes?.attempt === 2)).toEqual([]);
    expect(events.filter((e) => e.timerStartedEventAttributes)).toEqual([]);
    return events;
  }

  it('issue 24 finding 2, CLC-2: a purchased lot whose owner name holds a NUL (SQLSTATE 22021) is refused once with a 422, the run fails with the refusal, nothing is written, and the lot id is bought again', async () => {
    const lotId = uniqueId('LP');
    const lot = (ownerName: string): LotRecord => ({
      id: lotId,
      accountId: null,
      ownerName,
      ownerEmail: 'pat@buyer.example',
      country: 'US',
      source: 'purchase',
      credits: 100,
      issuedOn: START,
      activatesOn: '2027-03-15',
      expiresOn: '2028-03-10',
      awardQuarter: null,
    });
    // As api/routes/credits.ts purchase starts it with an idempotency key: the keyed retry reuses the id.
    const purchase = (ownerName: string) => {
      const start = new WithStartWorkflowOperation(creditLot, {
        workflowId: creditLotWorkflowId(lotId),
        taskQueue: h.taskQueue,
        args: [{ lot: lot(ownerName) }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      return { answer: h.steadyClient.workflow.executeUpdateWithStart(lotRecordedUpdate, { startWorkflowOperation: start }), start };
    };

    const first = purchase('Pat \u0000Buyer');
    const http = await answerOf(first.answer);
    expect(http?.status).toBe(422);
    expect(http?.message).toContain('Postgres refused what recordLot wrote: invalid byte sequence for encoding "UTF8": 0x00');
    expect(http?.message).toContain('[SQLSTATE 22021]');
    const run = await first.start.workflowHandle();
    const events = await expectRefusedRun(run);
    // recordLot is a local activity: its one attempt is one marker, failed.
    expect(events.filter((e) => e.markerRecordedEventAttributes?.failure)).toHaveLength(1);

    // Nothing written; a request on the closed lot is a 404, never a 500.
    expect(await h.db('credit_lots').where({ id: lotId })).toEqual([]);
    expect(await h.db('ledger_entries').where({ lot_id: lotId })).toEqual([]);
    const late = run.executeUpdate(requestExtensionUpdate, { args: [{ requestId: 'X1', usagePlan: 'a plan', by: 'ops:pat' }] });
    expect((await answerOf(late))?.status).toBe(404);

    const second = purchase('Pat Buyer');
    expect((await second.answer).lot).toMatchObject({ id: lotId, ownerName: 'Pat Buyer', credits: 100 });
    expect(await h.db('credit_lots').where({ id: lotId }).first('owner_name', 'state')).toEqual({
      owner_name: 'Pat Buyer',
      state: 'pending',
    });
  });

  it('issue 24 finding 2, CERT-1: an application whose country is too long for its column (SQLSTATE 22001) is refused once with a 422, the run fails with the refusal, nothing is written, and the partner applies again', async () => {
    const { partnerId, email } = await newPartner();
    const id = certificationId(partnerId, 'US');
    // As api/routes/certification.ts apply starts it.
    const apply = (country: string) => {
      const start = new WithStartWorkflowOperation(certification, {
        workflowId: certificationWorkflowId(id),
        taskQueue: h.taskQueue,
        workflowIdConflictPolicy: 'FAIL',
        args: [{ id, partnerId, country, partnerEmail: email, requirements: fullRequirements() }],
      });
      return {
        answer: h.steadyClient.workflow.executeUpdateWithStart(certificationRecordedUpdate, { startWorkflowOperation: start }),
        start,
      };
    };

    const first = apply('USA');
    const http = await answerOf(first.answer);
    expect(http?.status).toBe(422);
    expect(http?.message).toContain('Postgres refused what recordCertificationEvent wrote: value too long for type character varying(2)');
    expect(http?.message).toContain('[SQLSTATE 22001]');
    const events = await expectRefusedRun(await first.start.workflowHandle());
    const started = events.filter((e) => e.activityTaskStartedEventAttributes);
    expect(started.map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([1]);

    expect(await h.db('certifications').where({ partner_id: partnerId })).toEqual([]);
    expect(await h.db('notifications').where({ recipient: email })).toEqual([]);

    const second = apply('US');
    expect(await second.answer).toMatchObject({ id, partnerId, country: 'US', state: 'applied' });
    expect(await h.db('certifications').where({ id }).first('country', 'state')).toEqual({ country: 'US', state: 'applied' });
  });

  it('issue 24 finding 2, LCI-1, LCI-5: an engagement whose customer id holds a NUL (SQLSTATE 22021) is refused once with a 422, the run fails with the refusal, nothing is written, and the engagement is opened again', async () => {
    const { partnerId, email } = await newPartner();
    const engagementId = uniqueId('EN');
    const customerId = uniqueId('C');
    // As api/routes/incentives.ts opens it with an idempotency key: the keyed retry reuses the id.
    const open = (customer: string) => {
      const input: EngagementInput = { engagementId, partnerId, customerId: customer, partnerEmail: email, useCase, phaseMonths: 12 };
      const start = new WithStartWorkflowOperation(incentiveEngagement, {
        workflowId: incentiveWorkflowId(engagementId),
        taskQueue: h.taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [input],
      });
      return { answer: h.steadyClient.workflow.executeUpdateWithStart(engagementRecordedUpdate, { startWorkflowOperation: start }), start };
    };

    const first = open(`${customerId}\u0000`);
    const http = await answerOf(first.answer);
    expect(http?.status).toBe(422);
    expect(http?.message).toContain('Postgres refused what recordEngagement wrote: invalid byte sequence for encoding "UTF8": 0x00');
    const events = await expectRefusedRun(await first.start.workflowHandle());
    const started = events.filter((e) => e.activityTaskStartedEventAttributes);
    expect(started.map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([1]);

    // Nothing written, so no open engagement stands in the way of the corrected one (LCI-5).
    expect(await h.db('engagements').where({ partner_id: partnerId })).toEqual([]);

    const second = open(customerId);
    expect(await second.answer).toMatchObject({ engagementId, customerId, state: 'active', phaseIndex: 0 });
    expect(await h.db('engagements').where({ partner_id: partnerId }).select('id', 'customer_id', 'state')).toEqual([
      { id: engagementId, customer_id: customerId, state: 'active' },
    ]);
  });

  it('issue 24 finding 2: an update accepted by a run that closes before it answers (here terminated by ops) answers 409, never a 500', async () => {
    const { partnerId, email } = await newPartner();
    const engagementId = uniqueId('EN');
    // The engagement's first write waits behind this lock on its partner's row (the foreign key's check).
    const trx = await h.db.transaction();
    try {
      await trx('partners').where({ id: partnerId }).forUpdate().first();
      const input: EngagementInput = { engagementId, partnerId, customerId: uniqueId('C'), partnerEmail: email, useCase, phaseMonths: 12 };
      const start = new WithStartWorkflowOperation(incentiveEngagement, {
        workflowId: incentiveWorkflowId(engagementId),
        taskQueue: h.taskQueue,
        workflowIdConflictPolicy: 'FAIL',
        args: [input],
      });
      // Accepted, not yet answered: the update waits for the record.
      const update = await h.steadyClient.workflow.startUpdateWithStart(engagementRecordedUpdate, {
        startWorkflowOperation: start,
        waitForStage: 'ACCEPTED',
      });
      const run = await start.workflowHandle();
      await expect.poll(async () => (await run.describe()).raw.pendingActivities?.length ?? 0, { timeout: 10_000 }).toBe(1);
      await run.terminate('ops end it while its record waits');
      const http = await answerOf(update.result());
      expect(http?.status).toBe(409);
      expect(http?.message).toBe('the workflow closed before it answered this request; read its state before trying again');
    } finally {
      await trx.rollback();
    }
  });
});
