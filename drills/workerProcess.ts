// The service's worker (createWorker, as worker/main.ts runs it) in a process of its own, over a workflow
// bundle built once by the drill, so the drill can kill it with SIGKILL and start another in seconds.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { connectDb } from '../db/connect';
import { createMailer } from '../services/mailer';
import { createWorker } from '../worker/createWorker';

// The drill holds this pipe open: if the drill dies (killed, crashed), the worker goes with it.
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();

async function main() {
  const need = (name: string) =>
    process.env[name] ??
    (() => {
      throw new Error(`${name} is required`);
    })();
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const address = need('TEMPORAL_ADDRESS');
  const worker = await createWorker({
    connection: await NativeConnection.connect({ address }),
    namespace: 'default',
    workflowBundle: { codePath: need('WORKFLOW_BUNDLE') },
    db: connectDb(need('DATABASE_URL')),
    mailer: createMailer(need('SMTP_URL')),
    temporal: new Client({ connection: await Connection.connect({ address }) }),
    config: { mailFrom: 'Programs <programs@drill.example>', opsEmail: 'ops@drill.example' },
    tuning: { maxCachedWorkflows: Number(process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 1000) },
  });
  process.stdout.write('worker-ready\n');
  await worker.run();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
