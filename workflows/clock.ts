import { condition } from '@temporalio/workflow';
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
