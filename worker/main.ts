// The worker entry point: runs workflows and activities against real Postgres, SMTP and Temporal.
// Scale by running more of these; they share the task queue.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection, Runtime, makeTelemetryFilterString, type WorkerOptions } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import { ConfigError, loadEnv, publicUrlOf, type Env } from '../config/env';
import { connectDb } from '../db/connect';
import { assertMigrated, DatabaseBehindError } from '../db/migrationsCheck';
import { createMailer } from '../services/mailer';
import { countNotices } from '../services/noticeMetrics';
import { createLogger, type Logger } from '../config/logger';
import { clientTracing, coreLogLevel, sdkLogger, startTracing, type Tracing } from '../config/telemetry';
import { connectClient, describeConnection, temporalConnectConfig } from '../config/temporalConnection';
import { createWorker, type WorkerSetup } from './createWorker';
import { checkAll, countingActivities, createWorkerMetrics, freeLocalPort, startWorkerHttp, type WorkerMetrics } from './metrics';
import { ensureExamVoucherSchedule, ensureRedemptionHoldSchedule, ensureStatementSchedule } from './schedules';
import { ensureSearchAttributes } from './searchAttributes';

async function main() {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const log = logger.child({ component: 'worker' });
  if (!env.DATABASE_URL || !env.SMTP_URL) {
    throw new ConfigError('The worker needs DATABASE_URL, SMTP_URL and a Temporal address (npm start sets them)');
  }
  const temporalConfig = temporalConnectConfig();
  const tracing = startTracing(env, 'worker');
  const metrics = createWorkerMetrics();
  const coreMetricsPort = await freeLocalPort();
  installRuntime(logger, env.LOG_LEVEL, coreMetricsPort);
  const db = connectDb(env.DATABASE_URL);
  await assertMigrated(db);
  const mailer = countNotices(createMailer(env.SMTP_URL), db, metrics.notices);
  const connection = await NativeConnection.connect(temporalConfig.connectionOptions);
  const clientConnection = await connectClient(temporalConfig);
  log.info({ temporal: describeConnection(temporalConfig), tracing: !!tracing }, 'connected to Temporal');
  const { namespace } = temporalConfig;
  const temporal = new Client({ connection: clientConnection, namespace, ...clientTracing(tracing) });
  const worker = await createWorker({
    connection,
    namespace,
    db,
    mailer,
    temporal,
    config: { mailFrom: env.MAIL_FROM, opsEmail: env.OPS_EMAIL, publicUrl: publicUrlOf(env) },
    // Lots and accounts sleep for months: a bounded cache keeps memory flat however many are open
    // (an evicted workflow is replayed when its timer fires). See bench/lots.ts for the figures.
    tuning: { maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS },
    ...workflowCode(env, metrics, tracing, log),
  });
  const http = await startWorkerHttp({
    port: env.WORKER_METRICS_PORT,
    metrics,
    coreMetricsUrl: `http://127.0.0.1:${coreMetricsPort}/metrics`,
    live: () => !['FAILED', 'STOPPED'].includes(worker.getState()),
    ready: () => checkAll({ postgres: () => db.raw('select 1'), temporal: () => clientConnection.workflowService.getSystemInfo({}) }),
  });
  log.info({ port: http.port }, 'worker /metrics and /health listening');
  // A cluster may not let workers change its namespace (Temporal Cloud): then ops register them once.
  await ensureSearchAttributes(clientConnection, namespace).catch((err) =>
    log.warn({ err }, 'could not register search attributes; register them with the temporal CLI'),
  );
  await ensureStatementSchedule(temporal);
  await ensureRedemptionHoldSchedule(temporal);
  await ensureExamVoucherSchedule(temporal);
  log.info({ taskQueue: worker.options.taskQueue }, 'worker running');
  // Worker.run resolves after SIGINT/SIGTERM once in-flight tasks finish (the SDK installs the handlers).
  await worker.run();
  http.close();
  await connection.close();
  await clientConnection.close();
  mailer.close();
  await db.destroy();
  await tracing?.shutdown();
  log.info('worker stopped');
}

/** The SDK's and its core's logs as pino JSON lines; the core's own metrics on a loopback port we proxy. */
function installRuntime(log: Logger, level: string, coreMetricsPort: number) {
  Runtime.install({
    logger: sdkLogger(log.child({ component: 'temporal-sdk' })),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: coreLogLevel(level) }), forward: {} },
      metrics: { prometheus: { bindAddress: `127.0.0.1:${coreMetricsPort}` } },
    },
  });
}

/**
 * Which workflow code runs, and what watches it. `npm run build` prebuilds the bundle beside the compiled
 * worker (dist/workflow-bundle.js; -otel.js with the tracing interceptors inside), so a production start
 * does not bundle; WORKFLOW_BUNDLE names another; from source (tsx) the SDK bundles at start as before.
 */
function workflowCode(env: Env, metrics: WorkerMetrics, tracing: Tracing | undefined, log: Logger): Partial<WorkerSetup> {
  const built = join(__dirname, '..', tracing ? 'workflow-bundle-otel.js' : 'workflow-bundle.js');
  const codePath = env.WORKFLOW_BUNDLE ?? (existsSync(built) ? built : undefined);
  log.info({ workflowBundle: codePath ?? 'bundled from source at start' }, 'workflow code');
  const interceptors: NonNullable<WorkerOptions['interceptors']> = { activity: [countingActivities(metrics)] };
  if (!tracing) return { ...(codePath ? { workflowBundle: { codePath } } : {}), observability: { interceptors } };
  const { tracer } = tracing;
  interceptors.activity!.push((ctx) => ({
    inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
    outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
  }));
  if (!codePath) interceptors.workflowModules = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];
  return {
    ...(codePath ? { workflowBundle: { codePath } } : {}),
    observability: { interceptors, sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } },
  };
}

main().catch((err) => {
  // A configuration or schema problem is said in one plain sentence; anything else with its stack.
  console.error(err instanceof ConfigError || err instanceof DatabaseBehindError ? err.message : err);
  process.exit(1);
});
