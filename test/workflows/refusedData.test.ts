import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { toHttpError } from '../../api/errorHandler';
import { findAccount } from '../../db/loyaltyReads';
import { findNotice } from '../../db/notifications';
import type { Nomination } from '../../domain/loyalty';
import { loyaltyAccount } from '../../workflows/loyalty';
import {
  acceptTermsUpdate,
  defaultLoyaltySettings,
  loyaltyWorkflowId,
  nominationRecordedUpdate,
  replaceCaptainUpdate,
  stateQuery,
} from '../../workflows/loyaltyDefinitions';
import { startApi } from '../helpers/apiHarness';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Issue 24 finding 2: values Postgres or SMTP refuse for good inside a workflow are refused once, never retried.
// The nominations are started as the API starts them (update-with-start), bypassing the API's own validation.
const START = '2027-03-10';
const OPS = 'tok-ops-0000';

describe('issue 24 finding 2: refused data and failed notices inside workflows (ALL-2, ALL-3)', () => {
  let h: WorkflowHarness;
  let api: Awaited<ReturnType<typeof startApi>>;

  beforeAll(async () => {
    h = await workflowHarness({ startOn: START });
    api = await startApi({ temporal: h.env.client, db: h.db, taskQueue: h.taskQueue, today: () => START });
  });

  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  /** The API's start of a nomination (api/routes/loyalty.ts startAccount): the answer once the row is written. */
  function nominate(accountId: string, nomination: Nomination) {
    const start = new WithStartWorkflowOperation(loyaltyAccount, {
      workflowId: loyaltyWorkflowId(accountId),
      taskQueue: h.taskQueue,
      args: [
        {
          accountId,
          nomination,
          nominatedBy: 'account-manager:am-test',
          nominatedOn: START,
          termsVersion: 'T1',
          settings: defaultLoyaltySettings,
        },
      ],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    // Without time skipping: the clock stays on START, so no reminder or lapse runs while a test waits.
    const answer = h.steadyClient.workflow.executeUpdateWithStart(nominationRecordedUpdate, { startWorkflowOperation: start });
    return { answer, run: start.workflowHandle() };
  }

  it('issue 24 finding 2, ALL-2: a nomination whose bookings overflow numeric(16,2) (SQLSTATE 22003) is refused once with a 422, the run fails with the refusal, nothing is written, and the group is nominated again', async () => {
    const accountId = uniqueId('REFUSED');
    const bad = nominationFor(START, { group: accountId });
    bad.bookings[0]!.directUsd = 1e14;
    const first = nominate(accountId, bad);
    const err = await first.answer.then(
      () => undefined,
      (e: unknown) => e,
    );
    const http = toHttpError(err);
    expect(http?.status).toBe(422);
    expect(http?.code).toBe('rule_violation');
    expect(http?.message).toContain('Postgres refused what recordNomination wrote: numeric field overflow');
    expect(http?.message).toContain('[SQLSTATE 22003]');

    // The run closed failed with the refusal (what ops see in the Web UI and `temporal workflow describe`).
    const run = await first.run;
    const ended = await run.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ended).toBeInstanceOf(WorkflowFailedError);
    const cause = (ended as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('RefusedData');
    expect((await run.describe()).status.name).toBe('FAILED');

    // One attempt, never retried.
    const events = (await run.fetchHistory()).events ?? [];
    const started = events.filter((e) => e.activityTaskStartedEventAttributes);
    expect(started).toHaveLength(1);
    expect(started[0]!.activityTaskStartedEventAttributes!.attempt).toBe(1);
    expect(events.filter((e) => e.activityTaskFailedEventAttributes)).toHaveLength(1);

    // Nothing written: no account, no claimed company, no bookings, no notice.
    expect(await findAccount(h.db, accountId)).toBeUndefined();
    expect(await h.db('companies').where({ id: `${accountId}-1` })).toEqual([]);
    expect(await h.db('bookings').where({ account_id: accountId })).toEqual([]);
    expect(await h.db('notifications').where({ account_id: accountId })).toEqual([]);

    // The group is free: the corrected nomination of the same group is the account's first lifecycle.
    const second = nominate(accountId, nominationFor(START, { group: accountId }));
    expect((await second.answer).state).toBe('nominated');
    expect(await findAccount(h.db, accountId)).toMatchObject({ id: accountId, state: 'nominated' });
    expect(await h.db('accounts').where({ id: accountId }).first('lifecycle')).toEqual({ lifecycle: 1 });
  });

  it('issue 24 finding 2, ALL-2: an update whose own activity Postgres refuses (a NUL in a new captain\u2019s name, SQLSTATE 22021) answers 422 after one attempt; the account runs on', async () => {
    const accountId = uniqueId('NULNAME');
    const { answer, run } = nominate(accountId, nominationFor(START, { group: accountId }));
    expect((await answer).state).toBe('nominated');
    const handle = await run;
    const captain = { name: 'Mallory \u0000', email: 'mallory@example.com', ccoId: 'mallory' };
    const err = await handle.executeUpdate(replaceCaptainUpdate, { args: [captain] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const http = toHttpError(err);
    expect(http?.status).toBe(422);
    expect(http?.message).toContain('Postgres refused what recordCaptainChange wrote: invalid byte sequence for encoding "UTF8": 0x00');
    const events = (await handle.fetchHistory()).events ?? [];
    const failed = events.filter((e) => e.activityTaskFailedEventAttributes);
    expect(failed).toHaveLength(1);
    expect(events.filter((e) => e.activityTaskStartedEventAttributes?.attempt === 2)).toEqual([]);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await findAccount(h.db, accountId)).toMatchObject({ captainCcoId: 'dlee' });
  });

  it('issue 24 finding 2, ALL-2: a notice whose recipient SMTP refuses with 501 is marked failed once, listed in ops\u2019 failed-notices queue (ALL-3: ops only), and the account carries on to enrollment', async () => {
    const accountId = uniqueId('NOMAIL');
    const nomination = nominationFor(START, { group: accountId });
    const captain = nomination.teamCaptain.email;
    h.smtp.refuseRecipient(captain, 501);
    const { answer, run } = nominate(accountId, nomination);
    expect((await answer).state).toBe('nominated');

    const waitingKey = `account-${accountId}:terms-waiting`;
    await expect.poll(async () => (await findNotice(h.db, waitingKey))?.failedAt ?? null, { timeout: 10_000 }).not.toBeNull();
    const handle = await run;
    const enrolled = await handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T1', ccoId: 'dlee' }] });
    expect(enrolled.state).toBe('enrolled');
    const enrolledKey = `account-${accountId}:enrolled`;
    await expect.poll(async () => (await findNotice(h.db, enrolledKey))?.failedAt ?? null, { timeout: 10_000 }).not.toBeNull();
    expect((await handle.query(stateQuery)).state).toBe('enrolled');

    // Each notice tried once: a 5xx is not retried, by the activity or by the server.
    expect(h.smtp.attemptsTo(captain)).toBe(2);
    expect((await findNotice(h.db, waitingKey))?.sentAt).toBeNull();
    expect(h.smtp.received.filter((m) => m.to.includes(captain))).toEqual([]);
    const failedActivities = ((await handle.fetchHistory()).events ?? []).filter((e) => e.activityTaskFailedEventAttributes);
    expect(failedActivities).toEqual([]);

    const queue = await api.call('GET', '/v1/queues/failed-notices', { token: OPS });
    expect(queue.status).toBe(200);
    const mine = (queue.body.notices as { key: string }[]).filter((n) => n.key.startsWith(`account-${accountId}:`));
    expect(mine.map((n) => n.key).sort()).toEqual([enrolledKey, waitingKey]);
    expect(mine.find((n) => n.key === waitingKey)).toMatchObject({
      accountId,
      kind: 'terms-waiting',
      recipient: captain,
      subject: `${accountId} Corp: the Customer Loyalty Program terms are waiting for you`,
      workflowId: loyaltyWorkflowId(accountId),
    });
    const row = mine.find((n) => n.key === waitingKey) as unknown as { failure: string; failedAt: string };
    expect(row.failure).toMatch(/^501 /);
    expect(row.failure).toContain('recipient address rejected');
    expect(Date.parse(row.failedAt)).not.toBeNaN();
    for (const token of ['tok-account-manager', 'tok-captain-dlee', 'tok-partner-p1'])
      expect((await api.call('GET', '/v1/queues/failed-notices', { token })).status).toBe(403);
  });
});
