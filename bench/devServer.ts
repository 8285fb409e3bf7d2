// The real `temporal` dev server for benchmarks that measure what production-like Temporal does.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { ensureTemporalCli } from '../scripts/provision/temporalCli';
import { allSearchAttributeKeys } from '../workflows/definitions';

/**
 * Persistence: no `dbFilename`, so the dev server keeps its SQLite in memory (a benchmark needs no
 * durability; `npm start` uses a file). Two dynamic-config values differ from `start-dev`'s:
 * - start-dev re-reads the search-attribute metadata from SQLite on every use (so attributes made at
 *   runtime show at once); ours are all registered at start, so the cache is safe and saves a read per
 *   workflow start and upsert.
 * - eager activity execution (a Temporal Cloud default): an activity scheduled by a workflow task goes
 *   back to the worker in the task's reply instead of through another poll.
 * - one partition per task queue (the server's default is four, for many workers): with one worker, tasks
 *   are not forwarded between partitions (10,000 first workflow tasks in bench:floor: 178/s → 194/s).
 */
export async function startDevServer(opts: { eagerActivities?: boolean } = {}): Promise<TestWorkflowEnvironment> {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
  });
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await ensureTemporalCli() },
      searchAttributes: allSearchAttributeKeys,
      ip: '127.0.0.1',
      ui: false,
      extraArgs: [
        '--dynamic-config-value',
        'system.forceSearchAttributesCacheRefreshOnRead=false',
        '--dynamic-config-value',
        `system.enableActivityEagerExecution=${opts.eagerActivities ?? true}`,
        '--dynamic-config-value',
        'matching.numTaskqueueReadPartitions=1',
        '--dynamic-config-value',
        'matching.numTaskqueueWritePartitions=1',
      ],
    },
  });
}
