// What every workflow uses: the activity proxy and the shape of a business refusal.
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** Activities by type only; each attempt gets 30 s, retried with backoff up to a minute apart. */
export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** A refusal the API maps to a 4xx by its type (failureTypes); `details` name the fields at fault. */
export function refusal(type: string, message: string, details: { field: string; message?: string }[] = []): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details });
}
