// The API entry point: Express over a Temporal client and Postgres. Stateless: run as many as you like.
import { Client } from '@temporalio/client';
import { createMailer } from '../services/mailer';
import { countNotices } from '../services/noticeMetrics';
import { ConfigError, loadEnv, publicUrlOf, type Env } from '../config/env';
import { createLogger } from '../config/logger';
import { clientTracing, startTracing } from '../config/telemetry';
import { connectClient, describeConnection, temporalConnectConfig } from '../config/temporalConnection';
import { connectDb } from '../db/connect';
import { assertMigrated, DatabaseBehindError } from '../db/migrationsCheck';
import { TASK_QUEUE } from '../workflows/definitions';
import { createApp, type AppConfig } from './app';
import { createApiMetrics } from './metrics';
import { emailsInFlight } from '../services/creditsRedemptions';

async function main() {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  if (!env.DATABASE_URL || !env.API_TOKENS) {
    throw new ConfigError('The API needs DATABASE_URL, API_TOKENS and a Temporal address (npm start sets them)');
  }
  const temporalConfig = temporalConnectConfig();
  const tracing = startTracing(env, 'api');
  const db = connectDb(env.DATABASE_URL);
  await assertMigrated(db);
  const connection = await connectClient(temporalConfig);
  logger.info({ temporal: describeConnection(temporalConfig), tracing: !!tracing }, 'connected to Temporal');
  const temporal = new Client({
    connection,
    namespace: temporalConfig.namespace,
    ...clientTracing(tracing),
  });
  const metrics = createApiMetrics(db);
  const mailer = env.SMTP_URL ? countNotices(createMailer(env.SMTP_URL), db, metrics.notices) : undefined;
  const app = createApp({
    temporal,
    db,
    logger,
    config: appConfig(env, env.API_TOKENS),
    today: () => new Date().toISOString().slice(0, 10),
    metrics,
    ...(tracing ? { tracer: tracing.tracer } : {}),
    ...(mailer ? { mail: { mailer, from: env.MAIL_FROM, publicUrl: publicUrlOf(env) } } : {}),
  });
  const server = app.listen(env.PORT, () => logger.info({ port: env.PORT }, 'API listening'));
  const stop = () => {
    server.close(() => void shutdown());
  };
  const shutdown = async () => {
    await emailsInFlight();
    mailer?.close();
    await connection.close();
    await db.destroy();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Sign-in when an issuer is configured (npm start configures its own); a session secret is then required. */
function authConfig(env: Env) {
  if (!env.OIDC_ISSUER) return {};
  if (!env.SESSION_SECRET) throw new ConfigError('OIDC_ISSUER needs SESSION_SECRET (32+ characters)');
  return {
    auth: {
      issuer: env.OIDC_ISSUER,
      clientId: env.OIDC_CLIENT_ID,
      ...(env.OIDC_CLIENT_SECRET ? { clientSecret: env.OIDC_CLIENT_SECRET } : {}),
      audience: env.OIDC_AUDIENCE,
      scopes: env.OIDC_SCOPES,
      apiScope: env.OIDC_API_SCOPE,
      publicUrl: publicUrlOf(env),
      sessionSecret: env.SESSION_SECRET,
    },
  };
}

function appConfig(env: Env, tokens: AppConfig['tokens']): AppConfig {
  return {
    tokens,
    taskQueue: TASK_QUEUE,
    termsVersion: env.TERMS_VERSION,
    programCountries: env.PROGRAM_COUNTRIES,
    clcCountries: env.CLC_COUNTRIES,
    loyaltySettings: {
      awardDay: env.LOYALTY_AWARD_DAY,
      reminderEveryDays: env.LOYALTY_REMINDER_DAYS,
      lapseAfterDays: env.LOYALTY_LAPSE_DAYS,
    },
    incentivePhaseMonths: env.INCENTIVE_PHASE_MONTHS,
    limits: {
      writesPerMinute: env.RATE_LIMIT_WRITES_PER_MINUTE,
      bodyLimitKb: env.BODY_LIMIT_KB,
      authFailuresPer15Minutes: env.AUTH_FAILURES_PER_15_MINUTES,
    },
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    requestTimeoutMs: env.REQUEST_TIMEOUT_SECONDS * 1000,
    temporalUiUrl: env.TEMPORAL_UI_URL,
    temporalNamespace: env.TEMPORAL_NAMESPACE,
    ...authConfig(env),
  };
}

main().catch((err) => {
  // A configuration or schema problem is said in one plain sentence; anything else with its stack.
  console.error(err instanceof ConfigError || err instanceof DatabaseBehindError ? err.message : err);
  process.exit(1);
});
