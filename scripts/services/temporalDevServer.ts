import { Connection } from '@temporalio/client';
import { join } from 'node:path';
import { allSearchAttributeKeys } from '../../workflows/definitions';
import { startChild, waitUntil, type Child } from './child';
import { ensureSearchAttributes } from '../../worker/searchAttributes';

const saTypeName: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/**
 * `temporal server start-dev` with its Web UI. Its SQLite file lives in the data dir, so open timers
 * survive a restart; WAL lets the UI read while the server writes. Search attributes are registered at start.
 */
export async function startTemporalDevServer(opts: {
  cli: string;
  dataDir: string;
  port: number;
  uiPort: number;
}): Promise<{ child: Child; address: string }> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--db-filename',
    join(opts.dataDir, 'temporal.sqlite'),
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--log-level',
    'warn',
    ...allSearchAttributeKeys.flatMap((k) => ['--search-attribute', `${k.name}=${saTypeName[k.type]}`]),
  ];
  const child = startChild('temporal', opts.cli, args, process.env);
  const address = `127.0.0.1:${opts.port}`;
  await waitUntil('Temporal', async () => {
    if (child.process.exitCode !== null) throw new Error(`temporal exited with ${child.process.exitCode}`);
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
    } finally {
      await connection.close();
    }
  });
  const connection = await Connection.connect({ address });
  try {
    const added = await ensureSearchAttributes(connection, 'default');
    if (added.length) process.stdout.write(`registered search attributes: ${added.join(', ')}\n`);
  } catch (err) {
    // An old data dir may hold attributes this version no longer uses, filling SQLite's slots.
    process.stderr.write(`could not register every search attribute (${(err as Error).message}); a fresh DATA_DIR fixes it\n`);
  } finally {
    await connection.close();
  }
  return { child, address };
}
