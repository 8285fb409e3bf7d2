// What every workflow uses: the activity proxy and the shape of a business refusal.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { failureTypes } from './definitions';

/** Activities by type only; each attempt gets 30 s, retried with backoff up to a minute apart. */
export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * The same activities run locally: inside the workflow task that reaches them, with no round trip through
 * the server. For the short, idempotent writes of a workflow step.
 */
export const locals = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const quickNotice = proxyLocalActivities<Pick<Activities, 'sendNotice'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/**
 * Sends a recorded notice within the current workflow task. Only a few quick tries: each retry of a local
 * activity past its first minute adds a timer to the history, so in an SMTP outage the (idempotent)
 * sendNotice activity takes over and the server retries it.
 */
export async function sendNoticeSoon(key: string): Promise<void> {
  try {
    await quickNotice.sendNotice(key);
  } catch (err) {
    if (isCancellation(err)) throw err;
    await acts.sendNotice(key);
  }
}

/** A refusal the API maps to a 4xx by its type (failureTypes); `details` name the fields at fault. */
export function refusal(type: string, message: string, details: { field: string; message?: string }[] = []): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details });
}

/**
 * The refusal of an activity that met a value Postgres refuses (worker/refusedData.ts), if that is how it failed:
 * an activity's failure wraps it (ActivityFailure); a local activity's is the refusal itself.
 */
export function refusedDataOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type === failureTypes.refusedData ? cause : undefined;
}

/**
 * Issue 24 finding 2 (ALL-2): a lifecycle's first write, which its creating request waits for. When Postgres
 * refuses it, the lifecycle never existed (nothing was written): `refuse` lets the waiting handlers answer the
 * refusal (a 422), then the run fails with it, leaving its id and business keys free for a corrected retry.
 * Behind `patchId`, so histories recorded before it (which never took this path) still replay.
 */
export async function firstWrite<T>(write: Promise<T>, patchId: string, refuse: (refused: ApplicationFailure) => void): Promise<T> {
  try {
    return await write;
  } catch (err) {
    const refused = refusedDataOf(err);
    if (!refused || !patched(patchId)) throw err;
    refuse(refused);
    await condition(allHandlersFinished);
    throw refused;
  }
}

/** What a handler awaits before it writes: the lifecycle's first write, or its refusal (firstWrite), thrown. */
export async function whenFirstWritten(lifecycle: { recorded: boolean; refused: ApplicationFailure | null }): Promise<void> {
  await condition(() => lifecycle.recorded || lifecycle.refused !== null);
  if (lifecycle.refused) throw lifecycle.refused;
}
