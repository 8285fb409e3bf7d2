import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { TASK_QUEUE } from '../workflows/definitions';

export const STATEMENTS_SCHEDULE_ID = 'monthly-statements';

/** CLC-8: the schedule that runs the monthly statements at 02:00 UTC on the first; made once, kept after. */
export async function ensureStatementSchedule(client: Client, taskQueue = TASK_QUEUE): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: STATEMENTS_SCHEDULE_ID,
      spec: { calendars: [{ dayOfMonth: 1, hour: 2 }] },
      action: { type: 'startWorkflow', workflowType: 'monthlyStatements', taskQueue, args: [] },
      policies: { catchupWindow: '7 days' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
