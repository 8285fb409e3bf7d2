// `npm run start:cluster`: the service on a real Temporal cluster on one machine. The Temporal server
// (built once with go install) runs its frontend, history, matching and worker services as four
// processes on Postgres (the embedded one, or DATABASE_URL), with mTLS on the frontend and the Web UI;
// on it two workers and two APIs (PORT and PORT+1). The mail catcher stands in unless SMTP_URL is set.
import { Connection } from '@temporalio/client';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnv, type Env } from '../../config/env';
import { temporalConnectConfig } from '../../config/temporalConnection';
import { connectDb, migrate } from '../../db/connect';
import { devSecrets } from '../devSecrets';
import { ensureTemporalServer } from '../provision/temporalServer';
import type { Child } from '../services/child';
import { startMailCatcher } from '../services/mailCatcher';
import { startEmbeddedPostgres } from '../services/postgres';
import { apiHealthy, startApiProcess, startWorkerProcess } from './appProcesses';
import { provisionNamespace } from './provisionNamespace';
import { standardLayout, startTemporalCluster } from './temporalCluster';
import { stackLifecycle } from '../services/stack';

const { stops, run, supervise } = stackLifecycle();
const step = (message: string) => console.log(`▸ ${message}`);
const RETENTION_DAYS = 30;

async function database(env: Env, password: string, urls: [string, string][]): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  step(`starting embedded PostgreSQL (data in ${join(env.DATA_DIR, 'postgres')})`);
  const pg = await startEmbeddedPostgres({ dataDir: join(env.DATA_DIR, 'postgres'), port: env.POSTGRES_PORT, persistent: true, password });
  stops.unshift(pg.stop);
  urls.push([
    'PostgreSQL',
    `postgres://postgres@127.0.0.1:${env.POSTGRES_PORT}/postgres (password in ${join(env.DATA_DIR, 'dev-secrets.json')})`,
  ]);
  return pg.url;
}

async function temporalCluster(env: Env, databaseUrl: string, urls: [string, string][]) {
  const tools = await ensureTemporalServer();
  const dataDir = join(env.DATA_DIR, 'cluster');
  step(`starting the Temporal cluster (${env.CLUSTER_HISTORY_SHARDS} history shards; config and certificates in ${dataDir})`);
  const layout = standardLayout(join(dataDir, 'config'), env.TEMPORAL_PORT, env.TEMPORAL_UI_PORT, env.CLUSTER_HISTORY_SHARDS);
  const cluster = await startTemporalCluster({ tools, dataDir, databaseUrl, layout });
  stops.unshift(() => cluster.stop());
  const { connectionOptions } = temporalConnectConfig({ ...cluster.clientEnv, TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE });
  const connection = await Connection.connect(connectionOptions);
  const report = await provisionNamespace(connection, env.TEMPORAL_NAMESPACE, RETENTION_DAYS).finally(() => connection.close());
  for (const line of report.done) step(line);
  if (report.notDone.length) throw new Error(`provisioning incomplete: ${report.notDone.join('; ')}`);
  urls.push(['Temporal (mTLS)', cluster.address], ['Temporal Web UI', cluster.uiUrl]);
  const metrics = Object.entries(layout.ports).map(([s, p]) => `${s} :${p.metrics}`);
  urls.push(['Temporal metrics', `http://127.0.0.1:<port>/metrics — ${metrics.join(', ')}`]);
  return cluster;
}

function startApp(env: Env, childEnv: NodeJS.ProcessEnv): Child[] {
  step('starting two workers and two APIs');
  const children = [
    startWorkerProcess('worker-a', childEnv),
    startWorkerProcess('worker-b', childEnv),
    startApiProcess('api-a', env.PORT, childEnv),
    startApiProcess('api-b', env.PORT + 1, childEnv),
  ];
  for (const c of children) supervise(c);
  return children;
}

async function main() {
  const env = loadEnv();
  mkdirSync(env.DATA_DIR, { recursive: true });
  const secrets = devSecrets(env.DATA_DIR);
  const tokens = env.API_TOKENS ?? secrets.tokens;
  const urls: [string, string][] = [];
  const databaseUrl = await database(env, secrets.postgresPassword, urls);
  const db = connectDb(databaseUrl, { min: 0, max: 1 });
  step(`database migrated (${(await migrate(db)).length} new migration(s))`);
  await db.destroy();
  const cluster = await temporalCluster(env, databaseUrl, urls);
  let smtpUrl = env.SMTP_URL;
  if (!smtpUrl) {
    const mail = await startMailCatcher({ smtpPort: env.MAIL_SMTP_PORT, webPort: env.MAIL_UI_PORT });
    stops.unshift(() => mail.child.stop());
    urls.push(['Mail catcher', mail.webUrl]);
    smtpUrl = mail.smtpUrl;
  }
  const childEnv = {
    ...process.env,
    ...cluster.clientEnv,
    DATABASE_URL: databaseUrl,
    SMTP_URL: smtpUrl,
    API_TOKENS: JSON.stringify(tokens),
    METRICS_TOKEN: env.METRICS_TOKEN ?? secrets.metricsToken,
  };
  const [, , apiA, apiB] = startApp(env, childEnv);
  const apis = [`http://127.0.0.1:${env.PORT}`, `http://127.0.0.1:${env.PORT + 1}`];
  await Promise.all([apiHealthy(apiA!, apis[0]!), apiHealthy(apiB!, apis[1]!)]);
  urls.unshift(['API a', apis[0]!], ['API b', apis[1]!]);
  console.log('\nCisco Programs is running on the Temporal cluster:');
  for (const [name, url] of urls) console.log(`  ${name.padEnd(16)} ${url}`);
  console.log(
    `\nClients reach Temporal with:\n${Object.entries(cluster.clientEnv)
      .map(([k, v]) => `  ${k}=${v}`)
      .join('\n')}`,
  );
  if (!env.API_TOKENS) {
    console.log('\nDevelopment API tokens (set API_TOKENS to use your own):');
    for (const [token, holder] of Object.entries(tokens)) console.log(`  ${token}  ${JSON.stringify(holder)}`);
  }
  if (!env.METRICS_TOKEN)
    console.log(`\nMetrics token (bearer for each API's /metrics; set METRICS_TOKEN to use your own):\n  ${secrets.metricsToken}`);
  console.log('\nCtrl-C stops everything.');
}

run(main);
