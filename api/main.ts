// The API entry point: Express over a Temporal client and Postgres. Stateless: run as many as you like.
import { Client, Connection } from '@temporalio/client';
import { createMailer } from '../services/mailer';
import { loadEnv } from '../config/env';
import { temporalConnectConfig } from '../config/temporalConnection';
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
  const connection = await Connection.connect(temporalConnectConfig().connectionOptions);
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
    },
    today: () => new Date().toISOString().slice(0, 10),
    ...(mailer ? { mail: { mailer, from: env.MAIL_FROM } } : {}),
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
