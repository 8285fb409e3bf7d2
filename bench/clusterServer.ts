// The Temporal cluster of `npm run start:cluster` for benchmarks: its own embedded Postgres (Temporal's
// persistence and visibility, apart from the app's database, as production would have them), four
// service processes, mTLS on the frontend. Shaped like the TestWorkflowEnvironment the benchmarks use.
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalConnectConfig } from '../config/temporalConnection';
import { provisionNamespace } from '../scripts/cluster/provisionNamespace';
import { freeStandardLayout, startTemporalCluster } from '../scripts/cluster/temporalCluster';
import { ensureTemporalServer } from '../scripts/provision/temporalServer';
import { freePort } from '../scripts/services/freePort';
import { startEmbeddedPostgres } from '../scripts/services/postgres';

export async function startClusterServer(opts: { historyShards: number }): Promise<TestWorkflowEnvironment> {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
  });
  const tools = await ensureTemporalServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'cisco-programs-bench-cluster-'));
  chmodSync(dataDir, 0o755); // embedded Postgres runs as the `postgres` user when we are root
  const pg = await startEmbeddedPostgres({
    dataDir: join(dataDir, 'pg'),
    port: await freePort(),
    persistent: false,
    password: 'bench-only',
  });
  const layout = await freeStandardLayout(join(dataDir, 'config'), opts.historyShards);
  const cluster = await startTemporalCluster({ tools, dataDir, databaseUrl: pg.url, layout, quiet: true });
  const { connectionOptions } = temporalConnectConfig(cluster.clientEnv);
  const connection = await Connection.connect(connectionOptions);
  const report = await provisionNamespace(connection, 'default', 1);
  if (report.notDone.length) throw new Error(report.notDone.join('; '));
  const nativeConnection = await NativeConnection.connect(connectionOptions);
  const env = {
    client: new Client({ connection, namespace: 'default' }),
    connection,
    nativeConnection,
    namespace: 'default',
    async teardown() {
      await nativeConnection.close();
      await connection.close();
      await cluster.stop();
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // Only these members are used by bench/awards.ts on a server without time skipping.
  return env as unknown as TestWorkflowEnvironment;
}
