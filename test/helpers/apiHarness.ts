// The API suites' servers: the real Express app in-process, the real dev server, a worker, Postgres and SMTP.
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp, type AppConfig } from '../../api/app';
import type { TokenMap } from '../../api/auth';
import { createTestDatabase } from './db';
import { startSmtpServer } from './smtp';
import { devServerEnv, startWorker, uniqueTaskQueue } from './temporal';

/** The bearer tokens the API under test accepts: one per role, and a second Account Manager, Team Captain and partner (ALL-3). */
export const tokens: TokenMap = {
  'tok-account-manager': { role: 'account-manager', amId: 'am-test', name: 'Alex Manager' },
  'tok-account-manager-2': { role: 'account-manager', amId: 'am-other', name: 'Blair Manager' },
  // LOY-6: an Account Manager whose sign-in carries an email (as the portal's OIDC sign-in does).
  'tok-account-manager-mail': { role: 'account-manager', amId: 'am-mail', name: 'Casey Manager', email: 'casey@cisco.example' },
  'tok-ops-0000': { role: 'ops', name: 'ops-test' },
  // Issue 24: a second ops holder with the same display name and an id of its own: another actor.
  'tok-ops-same-name': { role: 'ops', id: 'ops-2', name: 'ops-test' },
  'tok-captain-dlee': { role: 'team-captain', ccoId: 'dlee' },
  'tok-captain-other': { role: 'team-captain', ccoId: 'someone-else' },
  'tok-partner-p1': { role: 'partner', partnerId: 'P-1' },
  'tok-partner-p2': { role: 'partner', partnerId: 'P-2' },
  'tok-telemetry-0': { role: 'telemetry' },
};

/** The real Express app in-process on a loopback port, with a tiny JSON client. */
export async function startApi(deps: {
  temporal: Client;
  db: Knex;
  taskQueue: string;
  today?: () => string;
  config?: Partial<AppConfig>;
  /** A port chosen beforehand (sign-in needs its public URL up front); any free one by default. */
  port?: number;
}) {
  const app = createApp({
    temporal: deps.temporal,
    db: deps.db,
    logger: pino({ level: 'silent' }),
    config: { tokens, taskQueue: deps.taskQueue, termsVersion: 'T1', ...deps.config },
    today: deps.today ?? (() => new Date().toISOString().slice(0, 10)),
  });
  const server = app.listen(deps.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, opts: { token?: string; body?: unknown; raw?: string } = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body, headers: res.headers };
  };
  return { base, call, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

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
