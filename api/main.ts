// The API entry point: Express over a Temporal client and Postgres. Stateless: run as many as you like.
import { Client, Connection } from '@temporalio/client';
import { createMailer } from '../services/mailer';
import { loadEnv, publicUrlOf, type Env } from '../config/env';
import { createLogger } from '../config/logger';
import { connectDb } from '../db/connect';
import { TASK_QUEUE } from '../workflows/definitions';
import { createApp } from './app';
import { emailsInFlight } from '../services/creditsRedemptions';

async function main() {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  if (!env.DATABASE_URL || !env.TEMPORAL_ADDRESS || !env.API_TOKENS) {
    throw new Error('The API needs DATABASE_URL, TEMPORAL_ADDRESS and API_TOKENS (npm start sets them)');
  }
  const db = connectDb(env.DATABASE_URL);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const mailer = env.SMTP_URL ? createMailer(env.SMTP_URL) : undefined;
  const app = createApp({
    temporal,
    db,
    logger,
    config: {
      tokens: env.API_TOKENS,
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
      temporalUiUrl: env.TEMPORAL_UI_URL,
      temporalNamespace: env.TEMPORAL_NAMESPACE,
      limits: { writesPerMinute: env.RATE_LIMIT_WRITES_PER_MINUTE, bodyLimitKb: env.BODY_LIMIT_KB },
      ...authConfig(env),
    },
    today: () => new Date().toISOString().slice(0, 10),
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
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Sign-in when an issuer is configured (npm start configures its own); a session secret is then required. */
function authConfig(env: Env) {
  if (!env.OIDC_ISSUER) return {};
  if (!env.SESSION_SECRET) throw new Error('OIDC_ISSUER needs SESSION_SECRET (32+ characters)');
  return {
    auth: {
      issuer: env.OIDC_ISSUER,
      clientId: env.OIDC_CLIENT_ID,
      ...(env.OIDC_CLIENT_SECRET ? { clientSecret: env.OIDC_CLIENT_SECRET } : {}),
      audience: env.OIDC_AUDIENCE,
      scopes: env.OIDC_SCOPES,
      publicUrl: publicUrlOf(env),
      sessionSecret: env.SESSION_SECRET,
    },
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
