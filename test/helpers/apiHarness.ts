import { devServerEnv, startWorker, uniqueTaskQueue } from './temporal';
import { createTestDatabase } from './db';
import { startSmtpServer } from './smtp';
import { startApi } from './api';

/** The API in-process against the real dev server, a real worker, Postgres and SMTP. */
export async function apiHarness() {
  const [env, database, smtp] = await Promise.all([devServerEnv(), createTestDatabase(), startSmtpServer()]);
  const taskQueue = uniqueTaskQueue();
  const worker = await startWorker(env, { db: database.db, smtpUrl: smtp.url, taskQueue });
  const api = await startApi({ temporal: env.client, db: database.db, taskQueue });
  return {
    env,
    db: database.db,
    smtp,
    api,
    taskQueue,
    async close() {
      await api.close();
      await worker.stop();
      await env.teardown();
      await smtp.close();
      await database.drop();
    },
  };
}

export type ApiHarness = Awaited<ReturnType<typeof apiHarness>>;
