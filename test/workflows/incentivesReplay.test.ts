import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { addMonths } from '../../domain/calendar';
import { SAMPLE_CATALOGUE } from '../../domain/incentives';
import type { Reading } from '../../domain/incentives';
import { engagementStateQuery, readingsSignal } from '../../workflows/incentivesDefinitions';
import { itReplays, type History } from '../helpers/histories';
import { openEngagement } from '../helpers/incentives';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Determinism of the engagement workflow: engagements run up to a year a phase, so today's code must replay
// what running ones recorded under every tagged release (test/histories/incentive-*.json).

const useCase = SAMPLE_CATALOGUE[0]!; // devices_reporting_pct >= 80 and active_users_pct >= 10/25/40/60/75
let minute = 0;
const reading = (metric: string, value: number): Reading => ({
  metric,
  value,
  measuredAt: new Date(Date.UTC(2030, 0, 1, 0, ++minute)).toISOString(),
});

describe('determinism: replaying incentive engagement histories', () => {
  let h: WorkflowHarness;
  const fresh: { name: string; workflowId: string; history: History }[] = [];

  beforeAll(async () => {
    h = await workflowHarness();
    const open = async () => {
      const { handle } = await openEngagement(h, useCase);
      const paid = (n: number) =>
        vi.waitFor(async () => expect((await handle.query(engagementStateQuery)).payments.length).toBe(n), {
          timeout: 10_000,
          interval: 100,
        });
      return { handle, paid };
    };
    // Every phase: readings a hair short, then the ones that complete it, then more that change nothing.
    const walk = await open();
    for (const [i, users] of [10, 25, 40, 60, 75].entries()) {
      await walk.handle.signal(readingsSignal, [reading('devices_reporting_pct', 85), reading('active_users_pct', users - 0.5)]);
      await walk.handle.signal(readingsSignal, [reading('active_users_pct', users)]);
      await walk.paid(i + 1);
    }
    await walk.handle.result();
    fresh.push({ name: 'incentive-walk', workflowId: walk.handle.workflowId, history: await walk.handle.fetchHistory() });
    // Still open, mid-phase: the shape a deployment finds most engagements in.
    const running = await open();
    await running.handle.signal(readingsSignal, [reading('devices_reporting_pct', 90), reading('active_users_pct', 12)]);
    await running.paid(1);
    await running.handle.signal(readingsSignal, [reading('active_users_pct', 20), reading('cpu_pct', 3)]);
    await running.handle.query(engagementStateQuery);
    fresh.push({ name: 'incentive-running', workflowId: running.handle.workflowId, history: await running.handle.fetchHistory() });
    const expiring = await open();
    await expiring.handle.signal(readingsSignal, [reading('devices_reporting_pct', 50)]);
    await h.skipTo(addMonths(await h.today(), 12));
    await expiring.handle.result();
    fresh.push({ name: 'incentive-expired', workflowId: expiring.handle.workflowId, history: await expiring.handle.fetchHistory() });
  });
  afterAll(async () => h?.close());

  itReplays(fresh, { prefix: 'incentive-', atLeast: 3, recorded: 'engagement histories' });
});
