import { ScheduleAlreadyRunning, type Client, type ScheduleSpec } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { TASK_QUEUE } from '../workflows/definitions';

export const STATEMENTS_SCHEDULE_ID = 'monthly-statements';
export const REDEMPTION_HOLDS_SCHEDULE_ID = 'redemption-holds';

/** CLC-8: the schedule that runs the monthly statements at 02:00 UTC on the first; made once, kept after. */
export async function ensureStatementSchedule(client: Client, taskQueue = TASK_QUEUE): Promise<void> {
  await ensureSchedule(
    client,
    STATEMENTS_SCHEDULE_ID,
    { calendars: [{ dayOfMonth: 1, hour: 2 }] },
    'monthlyStatements',
    taskQueue,
    '7 days',
  );
}

/** CLC-6: the schedule that releases the holds whose date has come, daily at 00:00 UTC (the day they run out). */
export async function ensureRedemptionHoldSchedule(client: Client, taskQueue = TASK_QUEUE): Promise<void> {
  await ensureSchedule(
    client,
    REDEMPTION_HOLDS_SCHEDULE_ID,
    { calendars: [{ hour: 0, minute: 0 }] },
    'redemptionHolds',
    taskQueue,
    '1 day',
  );
}

async function ensureSchedule(
  client: Client,
  scheduleId: string,
  spec: ScheduleSpec,
  workflowType: string,
  taskQueue: string,
  catchupWindow: Duration,
) {
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action: { type: 'startWorkflow', workflowType, taskQueue, args: [] },
      policies: { catchupWindow },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
