import { CancellationScope, condition, isCancellation, sleep } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';

// Inside the workflow sandbox Date.now() is Temporal's clock, replayed from history, so it is
// deterministic. This file is the only place a workflow reads it; program dates come from domain/.

export const today = (): IsoDate => new Date(Date.now()).toISOString().slice(0, 10);

const startOf = (date: IsoDate) => Date.parse(`${date}T00:00:00Z`);

/**
 * Sleeps until the start of `date` (UTC) unless `wake()` turns true first. A timer to an absolute date,
 * never a duration like '1 year' (whose year is 365.25 days). Returns true when woken by `wake`.
 */
export async function sleepUntilDate(date: IsoDate, wake: () => boolean): Promise<boolean> {
  const ms = startOf(date) - Date.now();
  if (ms <= 0) return wake();
  return condition(wake, ms);
}

/**
 * A timer to the start of `date` (UTC) that stays armed while the workflow wakes for other reasons, so a
 * wake-up costs no timer commands (sleepUntilDate starts and cancels one each time). Cancel it when the
 * date it waits for changes.
 */
export function deadlineTimer(date: IsoDate) {
  const scope = new CancellationScope();
  let passed = false;
  const ms = startOf(date) - Date.now();
  if (ms <= 0) passed = true;
  else
    scope
      .run(() => sleep(ms))
      .then(
        () => (passed = true),
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
  return { passed: () => passed, cancel: () => scope.cancel() };
}
