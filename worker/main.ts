// The worker entry point: runs workflows and activities against real Postgres, SMTP and Temporal.
// Scale by running more of these; they share the task queue.
import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { loadEnv } from '../config/env';
import { temporalConnectConfig } from '../config/temporalConnection';
import { connectDb } from '../db/connect';
import { createMailer } from '../services/mailer';
import { createLogger } from '../config/logger';
import { createWorker } from './createWorker';
import { ensureRedemptionHoldSchedule, ensureStatementSchedule } from './schedules';
import { ensureSearchAttributes } from './searchAttributes';

async function main() {
  const env = loadEnv();
  const log = createLogger(env.LOG_LEVEL).child({ component: 'worker' });
  if (!env.DATABASE_URL || !env.SMTP_URL || !env.TEMPORAL_ADDRESS) {
    throw new Error('The worker needs DATABASE_URL, SMTP_URL and TEMPORAL_ADDRESS (npm start sets them)');
  }
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
  });
  const db = connectDb(env.DATABASE_URL);
  const mailer = createMailer(env.SMTP_URL);
  const connection = await NativeConnection.connect(temporalConnectConfig().connectionOptions);
  const clientConnection = await Connection.connect(temporalConnectConfig().connectionOptions);
  const temporal = new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE });
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    db,
    mailer,
    temporal,
    config: { mailFrom: env.MAIL_FROM, opsEmail: env.OPS_EMAIL },
    // Lots and accounts sleep for months: a bounded cache keeps memory flat however many are open
    // (an evicted workflow is replayed when its timer fires). See bench/lots.ts for the figures.
    tuning: { maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS },
  });
  // A cluster may not let workers change its namespace (Temporal Cloud): then ops register them once.
  await ensureSearchAttributes(clientConnection, env.TEMPORAL_NAMESPACE).catch((err) =>
    log.warn({ err }, 'could not register search attributes; register them with the temporal CLI'),
  );
  await ensureStatementSchedule(temporal);
  await ensureRedemptionHoldSchedule(temporal);
  log.info({ taskQueue: worker.options.taskQueue }, 'worker running');
  // Worker.run resolves after SIGINT/SIGTERM once in-flight tasks finish (the SDK installs the handlers).
  await worker.run();
  await connection.close();
  await clientConnection.close();
  mailer.close();
  await db.destroy();
  log.info('worker stopped');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
