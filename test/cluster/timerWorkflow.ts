// A test-only workflow for the cluster suite: one durable timer to an absolute instant, then one activity
// that records the firing. The app's own timers wait for whole days; this one is due within seconds.
import { proxyActivities, sleep } from '@temporalio/workflow';

const { recordTimerFired } = proxyActivities<{ recordTimerFired(workflowId: string): Promise<void> }>({
  startToCloseTimeout: '30 seconds',
});

export async function timerDue(workflowId: string, dueAtMs: number): Promise<void> {
  await sleep(Math.max(1, dueAtMs - Date.now()));
  await recordTimerFired(workflowId);
}
