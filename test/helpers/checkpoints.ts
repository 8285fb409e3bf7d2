// Checkpoints for timeline tests: each day of interest and the day before it, observed once every workflow
// under test has nothing running (so an entry is dated by the day it happened).
import { vi } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { IsoDate } from '../../domain/calendar';
import type { WorkflowHarness } from './workflowHarness';

// The timeline tests' clock: each checkpoint is a noon on the time-skipping server, and what a lifecycle
// shows is read only once its runs have nothing outstanding, so each entry is dated exactly by the test clock.

export const dayBefore = (date: IsoDate): IsoDate => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** Waits until the latest run of each workflow has no workflow task or activity outstanding in its history. */
export function settled(handles: readonly Pick<WorkflowHandle, 'workflowId' | 'fetchHistory'>[]) {
  return vi.waitFor(
    async () => {
      for (const handle of handles) {
        let open = 0;
        for (const e of (await handle.fetchHistory()).events ?? []) {
          if (e.workflowTaskScheduledEventAttributes || e.activityTaskScheduledEventAttributes) open++;
          if (e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes)
            open--;
          if (e.activityTaskCompletedEventAttributes || e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes)
            open--;
          if (e.activityTaskCanceledEventAttributes) open--;
        }
        if (open) throw new Error(`${handle.workflowId} is busy`);
      }
    },
    { timeout: 15_000, interval: 20 },
  );
}

/**
 * Checkpoints from `today` on: `observe(clock)` records what changed (after waiting for `settled`).
 * `on(date, ...steps)` checkpoints the day before `date` and `date` (timers fire at midnight), then takes
 * each step there, observing after each.
 */
export function checkpoints(h: WorkflowHarness, today: IsoDate, observe: (clock: IsoDate) => Promise<void>) {
  let clock = today;
  return {
    observe: () => observe(clock),
    async on(date: IsoDate, ...steps: (() => Promise<unknown>)[]) {
      for (const day of [dayBefore(date), date].filter((d) => d > clock)) {
        await h.skipTo(day);
        clock = day;
        await observe(clock);
      }
      for (const step of steps) {
        await step();
        await observe(clock);
      }
    },
  };
}
