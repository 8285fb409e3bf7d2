// The cluster suite's servers: the Temporal server as four processes on the suite's Postgres (mTLS
// frontend), two worker processes and two API processes, a real SMTP server. Worker A and API A run the
// compiled dist/ entry points on a database migrated by dist/scripts/migrate.js (the production start);
// worker B and API B run from source through tsx.
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { temporalConnectConfig } from '../../config/temporalConnection';
import { apiHealthy, startApiProcess, startWorkerProcess } from '../../scripts/cluster/appProcesses';
import { provisionNamespace } from '../../scripts/cluster/provisionNamespace';
import { freeStandardLayout, startTemporalCluster } from '../../scripts/cluster/temporalCluster';
import { ensureTemporalServer } from '../../scripts/provision/temporalServer';
import { freePort } from '../../scripts/services/freePort';
import { waitUntil } from '../../scripts/services/child';
import { tokens } from '../helpers/apiHarness';
import { connectDb } from '../../db/connect';
import { createBlankDatabase, ensureBuilt, migrateCompiled } from './production';
import { startSmtpServer } from '../helpers/smtp';
import { TASK_QUEUE } from '../../workflows/definitions';

/** The bearer the APIs' /metrics answer (METRICS_TOKEN), as a scraper is configured with. */
export const METRICS_TOKEN = 'cluster-metrics-scraper-token';

export async function clusterHarness() {
  // Built from the Go module proxy on a clean machine (CI): about 10 minutes on 2 cores, then cached.
  const tools = await ensureTemporalServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'cisco-programs-cluster-'));
  chmodSync(dataDir, 0o755);
  const build = await ensureBuilt();
  const database = await createBlankDatabase(`cp_cluster_${randomBytes(6).toString('hex')}`);
  const cluster = await startTemporalCluster({
    tools,
    dataDir,
    databaseUrl: inject('databaseUrl'),
    layout: await freeStandardLayout(join(dataDir, 'config'), 4),
    quiet: true,
  });
  const { connectionOptions } = temporalConnectConfig(cluster.clientEnv);
  const connection = await Connection.connect(connectionOptions);
  const report = await provisionNamespace(connection, 'default', 7);
  if (report.notDone.length) throw new Error(report.notDone.join('; '));
  const client = new Client({ connection, namespace: 'default' });
  const smtp = await startSmtpServer();
  const env = {
    ...process.env,
    ...cluster.clientEnv,
    TEMPORAL_NAMESPACE: 'default',
    DATABASE_URL: database.url,
    SMTP_URL: smtp.url,
    API_TOKENS: JSON.stringify(tokens),
    METRICS_TOKEN,
    LOG_LEVEL: 'warn',
  };
  const migrated = await migrateCompiled(env);
  const db = connectDb(database.url);
  const { workers, apis, bases, workerMetrics } = await startApps(env, client);
  return {
    cluster,
    client,
    connection,
    db,
    databaseUrl: database.url,
    smtp,
    workers,
    /** Each worker's /metrics, in the order of `workers`. */
    workerMetrics,
    apis: bases,
    build,
    /** What `node dist/scripts/migrate.js` said about the blank database. */
    migrated,
    async stop() {
      for (const c of [...apis, ...workers]) await c.stop().catch(() => undefined);
      await connection.close();
      await cluster.stop();
      await smtp.close();
      await db.destroy();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Worker A and API A compiled (dist/), worker B and API B from source; each worker with its own metrics port. */
async function startApps(env: NodeJS.ProcessEnv, client: Client) {
  const [portA, portB, metricsA, metricsB] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const workers = [
    startWorkerProcess('worker-a', { ...env, WORKER_METRICS_PORT: String(metricsA) }, { quiet: true, compiled: true }),
    startWorkerProcess('worker-b', { ...env, WORKER_METRICS_PORT: String(metricsB) }, { quiet: true }),
  ];
  const apis = [
    startApiProcess('api-a', portA, env, { quiet: true, compiled: true }),
    startApiProcess('api-b', portB, env, { quiet: true }),
  ];
  const bases = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`] as const;
  await Promise.all([apiHealthy(apis[0]!, bases[0]), apiHealthy(apis[1]!, bases[1])]);
  await waitUntil(
    'both workers polling',
    () => pollers(client).then((n) => (n >= 2 ? n : Promise.reject(new Error(`${n} pollers`)))),
    240_000,
  );
  return {
    workers,
    apis,
    bases,
    workerMetrics: [`http://127.0.0.1:${metricsA}/metrics`, `http://127.0.0.1:${metricsB}/metrics`] as const,
  };
}

/** Distinct workers polling the app's workflow task queue. */
async function pollers(client: Client): Promise<number> {
  const r = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: TASK_QUEUE } });
  return new Set((r.pollers ?? []).map((p) => p.identity)).size;
}

/** The API at `base`, called as `token`. */
export async function call(base: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}
