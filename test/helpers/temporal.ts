import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Knex } from 'knex';
import type { IsoDate } from '../../domain/calendar';
import { createMailer } from '../../services/mailer';
import { createWorker } from '../../worker/createWorker';
import { allSearchAttributeKeys } from '../../workflows/definitions';
import { ensureSearchAttributes } from '../../worker/searchAttributes';

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/**
 * Temporal's time-skipping test server (the Java artifact resolved from Maven Central), its clock
 * starting at 00:00 UTC on `startOn`, whatever the wall clock says (time only skips forward from there).
 */
export async function timeSkippingEnv(startOn: IsoDate): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: {
      executable: { type: 'existing-path', path: inject('testServerPath') },
      extraArgs: [`--start-at=${startOn}T00:00:00Z`],
    },
  });
  // Like a real namespace, the test server refuses search attributes it has not been told about.
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** The real `temporal` dev server, with our search attributes registered. */
export async function devServerEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  // The SDK gives the server 5 s to come up; on a loaded 2-core machine that is sometimes too short.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServer();
    } catch (err) {
      if (attempt === 3 || !String((err as Error).message).includes('did not start')) throw err;
    }
  }
}

function startDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: inject('temporalCliPath') },
      searchAttributes: allSearchAttributeKeys,
      ip: '127.0.0.1',
      ui: false,
    },
  });
}

/** A unique task queue and workflow id per test, so tests never see each other's work. */
export const uniqueTaskQueue = () => `test-${randomUUID()}`;
/** Where the test workers' emails link to (PUBLIC_URL, ALL-5). */
export const PUBLIC_URL = 'https://programs.test.example';

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A real worker over the bundle built once in global setup, real Postgres and real SMTP. */
export async function startWorker(env: TestWorkflowEnvironment, deps: { db: Knex; smtpUrl: string; taskQueue: string }) {
  const mailer = createMailer(deps.smtpUrl);
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue: deps.taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    db: deps.db,
    mailer,
    temporal: env.client,
    config: { mailFrom: 'Programs <programs@test.example>', opsEmail: 'ops@test.example', publicUrl: PUBLIC_URL },
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      worker.shutdown();
      await running;
      mailer.close();
    },
  };
}
