// `npm run bench:floor -- --workflows N [--lot none|start|delayed] [--cache C] [--pollers P]`
// What Temporal itself costs on this machine, with none of our code: N workflows on the dev server are
// started while no worker runs (as bench/awardsDev.ts starts its accounts); then the worker runs each
// one's first workflow task, one local activity that does nothing (--lot none), or starts a second
// workflow as an award starts its lot's (--lot start), or starts it with a start delay so that its first
// task waits months (--lot delayed). Prints tasks per second and CPU by thread and process: the ceiling
// any award (issue 3) or redemption (issue 4) on this design can reach here.
import { Worker } from '@temporalio/worker';
import { startDevServer } from './devServer';
import { cpuShareMeter } from './cpu';
import { log, mapLimit, parseArgs, runBench, seconds, waitFor } from './lib';
import { floorAccount, floorLot } from './floorWorkflows';

export interface FloorActivities {
  tick(lot: 'none' | 'start' | 'delayed', workflowId: string): Promise<void>;
}

async function main() {
  const args = parseArgs(process.argv.slice(2), { workflows: 10000, lot: 'none', cache: 10000, pollers: 40, slots: 200, concurrency: 100 });
  const lot = args.lot as 'none' | 'start' | 'delayed';
  const env = await startDevServer();
  const taskQueue = 'bench-floor';
  let done = 0;
  const activities: FloorActivities = {
    async tick(lotMode, workflowId) {
      if (lotMode !== 'none') {
        await env.client.workflow
          .start(floorLot, { workflowId: `${workflowId}-lot`, taskQueue, ...(lotMode === 'delayed' ? { startDelay: '270 days' } : {}) })
          .catch((err: Error) => {
            if (err.name !== 'WorkflowExecutionAlreadyStartedError') throw err;
          });
      }
      done++;
    },
  };
  const ids = Array.from({ length: args.workflows }, (_, i) => `floor-${i}`);
  const t0Start = performance.now();
  await mapLimit(ids, args.concurrency, (workflowId) => env.client.workflow.start(floorAccount, { workflowId, taskQueue, args: [lot] }));
  log(`${ids.length} workflows started in ${seconds(performance.now() - t0Start).toFixed(1)} s (no worker yet)`);

  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowsPath: require.resolve('./floorWorkflows'),
    activities,
    maxCachedWorkflows: args.cache,
    workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: args.pollers },
    maxConcurrentWorkflowTaskExecutions: args.slots,
    maxConcurrentLocalActivityExecutions: args.slots,
  });
  const running = worker.run();
  const t0 = performance.now();
  const cpu = cpuShareMeter();
  await waitFor(`${ids.length} first tasks`, async () => done >= ids.length, {
    timeoutMs: 30 * 60_000,
    everyMs: 20,
    progress: () => `${done} done`,
  });
  const wall = seconds(performance.now() - t0);
  const shares = cpu.stop(wall);
  console.log(
    [
      `workflows=${ids.length} lot=${lot} cache=${args.cache} pollers=${args.pollers}`,
      `tasks_per_s=${(ids.length / wall).toFixed(1)} wall_s=${wall.toFixed(1)}`,
      `cpu ${shares}`,
    ].join('\n'),
  );
  worker.shutdown();
  await running;
  await env.teardown();
}

runBench(main);
