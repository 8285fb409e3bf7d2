// What every workflow uses: the activity proxy and the shape of a business refusal.
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
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

/** The refusal of an activity that met a value Postgres refuses (worker/refusedData.ts), if that is how it failed. */
export function refusedDataOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === failureTypes.refusedData ? cause : undefined;
}
