// The real stack a drill runs against, each piece one it can stop and start again: embedded Postgres with
// its data on disk, the `temporal` dev server with its SQLite file (--db-filename, so timers and tasks
// survive a restart), an SMTP sink, and the workflows bundled once for every worker process.
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectDb, migrate, type Db } from '../db/connect';
import { freePort } from '../scripts/services/freePort';
import { startEmbeddedPostgres, type RunningPostgres } from '../scripts/services/postgres';
import { log } from '../bench/lib';
import { startMailSink, type MailSink } from './sink';
import { temporalServer } from './temporalServer';

export interface Restartable {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface Stack {
  dir: string;
  databaseUrl: string;
  temporalAddress: string;
  bundlePath: string;
  /** The drill's own view: a small pool, so it never competes with the app for connections. */
  db: Db;
  client: Client;
  postgres: Restartable;
  temporal: Restartable;
  smtp: MailSink;
  close(): Promise<void>;
}

async function restartablePostgres(dir: string) {
  const opts = { dataDir: join(dir, 'pg'), port: await freePort(), persistent: true, password: 'drill-only' };
  let running: RunningPostgres | undefined = await startEmbeddedPostgres(opts);
  const url = running.url;
  const piece: Restartable = {
    async stop() {
      await running?.stop();
      running = undefined;
    },
    async start() {
      running ??= await startEmbeddedPostgres(opts);
    },
  };
  return { url, piece };
}

/** The workflow bundle every worker process loads (bundling once saves each restart ~10 s of CPU). */
async function workflowBundle(dir: string, given?: string): Promise<string> {
  if (given) return given;
  const { code } = await bundleWorkflowCode({
    workflowsPath: resolve(__dirname, '../workflows/index.ts'),
    logger: { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: (m) => log(`[bundle] ${m}`) },
  });
  const path = join(dir, 'workflow-bundle.js');
  writeFileSync(path, code);
  return path;
}

export async function startStack(opts: { bundlePath?: string } = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'cisco-programs-drill-'));
  chmodSync(dir, 0o755); // embedded Postgres runs as the `postgres` user when we are root
  const closers: (() => Promise<unknown>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.splice(0)) await c().catch((err: Error) => log(`cleanup: ${err.message}`));
  };
  try {
    const pg = await restartablePostgres(dir);
    closers.unshift(() => pg.piece.stop());
    const db = connectDb(pg.url, { min: 0, max: 4 });
    closers.unshift(() => db.destroy());
    await migrate(db);
    const temporal = await temporalServer(dir);
    closers.unshift(() => temporal.stop());
    const connection = await Connection.connect({ address: temporal.address });
    closers.unshift(() => connection.close());
    const smtp = await startMailSink();
    closers.unshift(() => smtp.stop());
    const bundlePath = await workflowBundle(dir, opts.bundlePath);
    log(`stack up in ${dir}: Postgres, Temporal dev server at ${temporal.address}, SMTP sink`);
    const client = new Client({ connection });
    const stack = { dir, databaseUrl: pg.url, temporalAddress: temporal.address, bundlePath, db, client, smtp };
    return { ...stack, postgres: pg.piece, temporal, close };
  } catch (err) {
    await close();
    throw err;
  }
}
