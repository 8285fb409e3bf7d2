// The plumbing of the benchmarks: real servers started in this process (like test/setup/global.ts and
// test/helpers/*, but without vitest, whose `inject` only works inside a vitest run), a counting SMTP
// sink, bounded concurrency, timed waits and an RSS sampler.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, makeTelemetryFilterString, type Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { IsoDate } from '../domain/calendar';
import { createMailer } from '../services/mailer';
import { connectDb, migrate, type Db } from '../db/connect';
import { ensureTestServer } from '../scripts/provision/testServer';
import { freePort } from '../scripts/services/freePort';
import { startEmbeddedPostgres } from '../scripts/services/postgres';
import { createWorker, type WorkerSetup } from '../worker/createWorker';
import { ensureSearchAttributes } from '../worker/searchAttributes';

export const MiB = 1024 * 1024;
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const seconds = (ms: number) => ms / 1000;

/** `--name value` flags; anything else is refused so a typo never runs a different benchmark. */
export function parseArgs<T extends Record<string, number | string>>(argv: string[], defaults: T): T {
  const out: Record<string, number | string> = { ...defaults };
  for (let i = 0; i < argv.length; i += 1) {
    const key = argv[i]!.replace(/^--/, '');
    const value = argv[i + 1];
    if (!argv[i]!.startsWith('--') || !(key in defaults) || value === undefined) {
      throw new Error(
        `usage: ${Object.entries(defaults)
          .map(([k, v]) => `[--${k} ${v}]`)
          .join(' ')} (got ${argv[i]})`,
      );
    }
    out[key] = typeof defaults[key] === 'number' ? Number(value) : value;
    if (typeof out[key] === 'number' && !Number.isFinite(out[key])) throw new Error(`--${key} must be a number, not ${value}`);
    i += 1;
  }
  return out as T;
}

/** Runs `fn` over `items` with at most `limit` calls in flight, in order of start; fails on the first error. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * Polls `probe` until it returns true. Every wait is bounded, so a stuck run fails with what it was
 * waiting for instead of hanging; `check` lets a background failure (the worker dying) end it early.
 */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  opts: { timeoutMs: number; everyMs?: number; check?: () => void; progress?: () => string },
): Promise<void> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  let nextReport = started + 10_000;
  for (;;) {
    opts.check?.();
    if (await probe()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${seconds(opts.timeoutMs)} s waiting for ${what}${opts.progress ? ` (${opts.progress()})` : ''}`);
    if (Date.now() > nextReport) {
      log(`still waiting for ${what} after ${Math.round(seconds(Date.now() - started))} s${opts.progress ? `: ${opts.progress()}` : ''}`);
      nextReport += 10_000;
    }
    await sleep(opts.everyMs ?? 100);
  }
}

/** Stops each piece in turn; one failing does not leave the others (a JVM, a Postgres) running. */
async function stopEach(steps: [string, (() => unknown) | undefined][]): Promise<void> {
  for (const [name, step] of steps) {
    try {
      await step?.();
    } catch (err) {
      console.error(`[bench] stopping ${name} failed:`, err);
    }
  }
}

/** Stops what a benchmark started, workers first and Postgres last. */
export function stopServers(s: {
  worker?: { stop(): Promise<void> };
  env?: { teardown(): Promise<void> };
  smtp?: { close(): Promise<void> };
  stopDb?: () => Promise<void>;
}): Promise<void> {
  return stopEach([
    ['worker', s.worker && (() => s.worker!.stop())],
    ['temporal', s.env && (() => s.env!.teardown())],
    ['smtp', s.smtp && (() => s.smtp!.close())],
    ['postgres', s.stopDb],
  ]);
}

/** Runs a benchmark's main: a failure is printed and the process exits non-zero. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

const benchStart = performance.now();
/** Progress on stderr, stamped with seconds since start; the summary alone goes to stdout. */
export const log = (msg: string) => process.stderr.write(`[bench +${seconds(performance.now() - benchStart).toFixed(1)}s] ${msg}\n`);

/** Rejects with a named error if `promise` has not settled within `ms`. */
export async function withTimeout<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${seconds(ms)} s: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Samples this process's RSS every 200 ms: the worker (workflow sandbox threads included) runs in it. */
export function rssSampler(everyMs = 200) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  timer.unref();
  return {
    peakMiB: () => Math.max(peak, process.memoryUsage().rss) / MiB,
    stop: () => clearInterval(timer),
  };
}

/**
 * A real SMTP server on loopback that only counts messages (test/helpers/smtp.ts parses each one, which
 * would make the sink the bottleneck). Messages whose X-Notice-Key names an event matching `track`
 * (e.g. award notices) are counted apart, from a scan of the header block only. `trackedLastAt` is when the
 * latest such message finished arriving, so a rate does not depend on how often it is polled.
 */
export async function startCountingSmtp(track: RegExp) {
  const stats = { count: 0, tracked: 0, trackedLastAt: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 16_384 && !head.includes('\r\n\r\n')) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        stats.count += 1;
        const end = head.indexOf('\r\n\r\n');
        const key = /^X-Notice-Key:\s*(\S+)/im.exec(end >= 0 ? head.slice(0, end) : head)?.[1];
        if (key && track.test(key)) {
          stats.tracked += 1;
          stats.trackedLastAt = performance.now();
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Postgres for one run: an embedded server in a scratch dir, or a fresh database in $DATABASE_URL. */
export async function startDatabase(opts: { pool: number }): Promise<{ db: Db; where: string; stop(): Promise<void> }> {
  const pool = { min: 0, max: opts.pool };
  const external = process.env.DATABASE_URL;
  if (external) {
    const name = `cp_bench_${randomBytes(6).toString('hex')}`;
    const admin = connectDb(external, { min: 0, max: 1 });
    await admin.raw('create database ??', [name]);
    const db = connectDb(withDatabase(external, name), pool);
    await migrate(db);
    return {
      db,
      where: `database ${name} in DATABASE_URL`,
      async stop() {
        await db.destroy();
        await admin.raw('drop database if exists ?? with (force)', [name]);
        await admin.destroy();
      },
    };
  }
  const scratch = mkdtempSync(join(tmpdir(), 'cisco-programs-bench-'));
  chmodSync(scratch, 0o755); // embedded Postgres runs as the `postgres` user when we are root
  try {
    const postgres = await startEmbeddedPostgres({
      dataDir: join(scratch, 'pg'),
      port: await freePort(),
      persistent: false,
      password: 'bench-only',
    });
    const db = connectDb(postgres.url, pool);
    await migrate(db);
    return {
      db,
      where: 'embedded Postgres (fsync off, as in the tests)',
      async stop() {
        await db.destroy();
        await postgres.stop();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Temporal's time-skipping test server, its clock starting at 00:00 UTC on `startOn` (our launcher's
 * --start-at, as timeSkippingEnv() in the tests): started at the wall clock, a benchmark's dates would
 * depend on the day it runs, and time only skips forward. Our search attributes are registered.
 */
export async function startTimeSkippingTemporal(startOn: IsoDate): Promise<TestWorkflowEnvironment> {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
  });
  const path = await ensureTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path }, extraArgs: [`--start-at=${startOn}T00:00:00Z`] },
  });
  // Like a real namespace, the test server refuses search attributes it has not been told about.
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/**
 * The service's real worker (createWorker, workflows bundled from source) running in this process.
 * `failure()` throws once the worker has died, for waits to check.
 */
export async function startBenchWorker(
  env: TestWorkflowEnvironment,
  deps: { db: Db; smtpUrl: string; taskQueue: string; tuning: WorkerSetup['tuning'] },
) {
  const mailer = createMailer(deps.smtpUrl);
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue: deps.taskQueue,
    // A prebuilt bundle when WORKFLOW_BUNDLE names one (the smoke runs in npm test pass the suite's), else from source.
    workflowBundle: process.env.WORKFLOW_BUNDLE ? { codePath: process.env.WORKFLOW_BUNDLE } : undefined,
    db: deps.db,
    mailer,
    temporal: env.client,
    config: { mailFrom: 'Programs <programs@bench.example>', opsEmail: 'ops@bench.example' },
    tuning: deps.tuning,
  });
  let died: unknown;
  let stopping = false;
  // The SDK shuts the worker down on SIGINT/SIGTERM: that, like a crash, ends the run (and its cleanup).
  const running = worker.run().then(
    () => {
      if (!stopping) died = new Error('shut down (signal?)');
    },
    (err: unknown) => {
      died = err;
    },
  );
  return {
    worker,
    failure() {
      if (died) throw new Error(`the worker stopped: ${(died as Error).message ?? died}`);
    },
    async stop() {
      stopping = true;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      mailer.close();
    },
  };
}
