// `temporal server start-dev` with its SQLite in a file (--db-filename), quiet, as the drills restart it:
// the same file and port each time, so open timers and pending tasks survive and workers reconnect.
import { Connection } from '@temporalio/client';
import { join } from 'node:path';
import { ensureTemporalCli } from '../scripts/provision/temporalCli';
import { startChild, waitUntil, type Child } from '../scripts/services/child';
import { freePort } from '../scripts/services/freePort';
import { ensureSearchAttributes } from '../worker/searchAttributes';
import { allSearchAttributeKeys } from '../workflows/definitions';

const typeName = (t: string) => (t === 'KEYWORD_LIST' ? 'KeywordList' : t.charAt(0) + t.slice(1).toLowerCase());

export async function temporalServer(dir: string) {
  const cli = await ensureTemporalCli();
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const args = [
    ...['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless'],
    ...['--db-filename', join(dir, 'temporal.sqlite'), '--log-level', 'error'],
    ...allSearchAttributeKeys.flatMap((k) => ['--search-attribute', `${k.name}=${typeName(k.type)}`]),
  ];
  let child: Child | undefined;
  const start = async () => {
    if (child) return;
    const c = startChild('temporal', cli, args, process.env, { quiet: true });
    child = c;
    await waitUntil('Temporal', async () => {
      if (c.process.exitCode !== null) throw new Error(`temporal exited with ${c.process.exitCode}`);
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
      } finally {
        await connection.close();
      }
    });
  };
  await start();
  const connection = await Connection.connect({ address });
  await ensureSearchAttributes(connection, 'default').finally(() => connection.close());
  return {
    address,
    start,
    async stop() {
      await child?.stop();
      child = undefined;
    },
  };
}
