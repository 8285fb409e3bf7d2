import { ScheduleAlreadyRunning, type Client, type ScheduleSpec } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { TASK_QUEUE } from '../workflows/definitions';

export const STATEMENTS_SCHEDULE_ID = 'monthly-statements';
export const REDEMPTION_HOLDS_SCHEDULE_ID = 'redemption-holds';
export const EXAM_VOUCHERS_SCHEDULE_ID = 'exam-vouchers';

interface ScheduleDeclaration {
  scheduleId: string;
  spec: ScheduleSpec;
  workflowType: string;
  /** How late a missed run (worker or server down) still runs once it is back. */
  catchupWindow: Duration;
}

/** CLC-8: the monthly statements, at 02:00 UTC on the first. */
const statements: ScheduleDeclaration = {
  scheduleId: STATEMENTS_SCHEDULE_ID,
  spec: { calendars: [{ dayOfMonth: 1, hour: 2 }] },
  workflowType: 'monthlyStatements',
  catchupWindow: '7 days',
};

/** CLC-6: the release of the holds whose date has come, daily at 00:00 UTC (the day they run out). */
const redemptionHolds: ScheduleDeclaration = {
  scheduleId: REDEMPTION_HOLDS_SCHEDULE_ID,
  spec: { calendars: [{ hour: 0, minute: 0 }] },
  workflowType: 'redemptionHolds',
  catchupWindow: '1 day',
};

/** CLC-5: the exam vouchers' reminders and expiry, daily at 00:00 UTC (the day each is due). */
const examVouchers: ScheduleDeclaration = {
  scheduleId: EXAM_VOUCHERS_SCHEDULE_ID,
  spec: { calendars: [{ hour: 0, minute: 0 }] },
  workflowType: 'examVouchers',
  catchupWindow: '1 day',
};

export const ensureStatementSchedule = (client: Client, taskQueue = TASK_QUEUE) => ensureSchedule(client, statements, taskQueue);
export const ensureRedemptionHoldSchedule = (client: Client, taskQueue = TASK_QUEUE) => ensureSchedule(client, redemptionHolds, taskQueue);
export const ensureExamVoucherSchedule = (client: Client, taskQueue = TASK_QUEUE) => ensureSchedule(client, examVouchers, taskQueue);

/** Creates the schedule once; every worker start calls this, and finds it there after the first. */
async function ensureSchedule(client: Client, s: ScheduleDeclaration, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: s.scheduleId,
      spec: s.spec,
      action: { type: 'startWorkflow', workflowType: s.workflowType, taskQueue, args: [] },
      policies: { catchupWindow: s.catchupWindow },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
