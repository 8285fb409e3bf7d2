import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';

/**
 * A timer to the start of `date` (UTC) that stays armed while the workflow wakes for other reasons, so a
 * wake-up costs no timer commands (sleepUntilDate starts and cancels one each time). Cancel it when the
 * date it waits for changes.
 */
export function deadlineTimer(date: IsoDate) {
  const scope = new CancellationScope();
  let passed = false;
  const ms = Date.parse(`${date}T00:00:00Z`) - Date.now();
  if (ms <= 0) passed = true;
  else
    scope.run(() => sleep(ms)).then(
      () => (passed = true),
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );
  return { passed: () => passed, cancel: () => scope.cancel() };
}
