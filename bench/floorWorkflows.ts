// The smallest workflows shaped like an award (bench/temporalFloor.ts): one workflow task with one local
// activity, then a long timer; optionally the activity starts a second workflow, as an award starts its lot.
import { proxyLocalActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { FloorActivities } from './temporalFloor';

const { tick } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '30 seconds' });

export async function floorAccount(lot: 'none' | 'start' | 'delayed'): Promise<void> {
  await tick(lot, workflowInfo().workflowId);
  await sleep('365 days');
}

export async function floorLot(): Promise<void> {
  await sleep('300 days');
}
