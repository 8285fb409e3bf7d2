// A worker in its own process, so a test can kill it with SIGKILL mid-activity, as a crash would.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createMailer } from '../../services/mailer';
import { connectDb } from '../../db/connect';
import { createWorker } from '../../worker/createWorker';

async function main() {
  const need = (name: string) =>
    process.env[name] ??
    (() => {
      throw new Error(`${name} is required`);
    })();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const db = connectDb(need('DATABASE_URL'));
  const mailer = createMailer(need('SMTP_URL'));
  const connection = await NativeConnection.connect({ address: need('TEMPORAL_ADDRESS') });
  const temporal = new Client({
    connection: await Connection.connect({ address: need('TEMPORAL_ADDRESS') }),
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  });
  const worker = await createWorker({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: need('TASK_QUEUE'),
    workflowBundle: { codePath: need('WORKFLOW_BUNDLE') },
    db,
    mailer,
    temporal,
    config: { mailFrom: 'Programs <programs@test.example>', opsEmail: 'ops@test.example' },
    // No sticky queue: the Java test server never moves a dead worker's sticky tasks back to the normal
    // queue (a real server does after 10 s), so a killed worker would strand its workflows here.
    tuning: { maxCachedWorkflows: 0 },
  });
  process.stdout.write('worker-ready\n');
  await worker.run();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
