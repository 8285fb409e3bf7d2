// The real `temporal` dev server for benchmarks that measure what production-like Temporal does.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { ensureTemporalCli } from '../scripts/provision/temporalCli';
import { allSearchAttributeKeys } from '../workflows/definitions';

export async function startDevServer(): Promise<TestWorkflowEnvironment> {
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await ensureTemporalCli() },
      searchAttributes: allSearchAttributeKeys,
      ip: '127.0.0.1',
      ui: false,
      // As `npm start` runs it: WAL lets readers and the writer overlap on the one SQLite connection.
      extraArgs: ['--sqlite-pragma', 'journal_mode=WAL'],
    },
  });
}
