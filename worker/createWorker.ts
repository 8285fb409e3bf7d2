import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { TASK_QUEUE } from '../workflows/definitions';
import { refusingBadData } from './refusedData';

export interface WorkerSetup extends ActivityDeps {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** A prebuilt bundle (tests build it once); otherwise the workflows are bundled from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Tuning (concurrency, cache) for benchmarks and tests; production uses the SDK's defaults. */
  tuning?: Pick<
    WorkerOptions,
    | 'maxCachedWorkflows'
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'workflowTaskPollerBehavior'
    | 'nonStickyToStickyPollRatio'
    | 'activityTaskPollerBehavior'
    | 'maxConcurrentLocalActivityExecutions'
    | 'workflowThreadPoolSize'
    | 'reuseV8Context'
  >;
  /** Metrics and tracing interceptors, and the workflow span exporter sink (worker/main.ts). */
  observability?: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
}

export function createWorker(setup: WorkerSetup): Promise<Worker> {
  const { connection, namespace, taskQueue = TASK_QUEUE, workflowBundle, tuning, observability, ...deps } = setup;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities(deps),
    ...tuning,
    ...observability,
    // Innermost (the first interceptor is the outermost), so metrics and traces see the refusal the workflow sees.
    interceptors: { ...observability?.interceptors, activity: [...(observability?.interceptors?.activity ?? []), refusingBadData] },
  });
}
