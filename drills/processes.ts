// The worker and the API as child processes of the drill, as `npm start` runs them: a worker can be
// killed with SIGKILL (and another started), the API answers on a loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startChild, waitUntil, type Child } from '../scripts/services/child';
import { freePort } from '../scripts/services/freePort';
import { log } from '../bench/lib';
import type { Stack } from './stack';

const tsx = ['--import', 'tsx'];

function stackEnv(stack: Stack): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    SMTP_URL: stack.smtp.url,
    WORKFLOW_BUNDLE: stack.bundlePath,
    LOG_LEVEL: 'error',
  };
}

/** Starts one worker process; resolves once it polls. */
function spawnWorker(stack: Stack): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [...tsx, join(__dirname, 'workerProcess.ts')], {
    env: stackEnv(stack),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  proc.stderr!.on('data', (c: Buffer) => process.stderr.write(`[worker ${proc.pid}] ${c.toString()}`));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => c.toString().includes('worker-ready') && resolve(proc));
    proc.once('exit', (code, signal) => reject(new Error(`worker exited before it was ready (${code ?? signal})`)));
  });
}

/**
 * `size` worker processes, each replaced when it dies (killed by the drill or on its own), so the drill
 * counts what it did to them and what they did by themselves.
 */
export async function startWorkerPool(stack: Stack, size: number) {
  const live = new Set<ChildProcess>();
  const stats = { kills: 0, unexpectedExits: 0, starts: 0 };
  let closing = false;
  const killed = new WeakSet<ChildProcess>();
  const add = async (): Promise<void> => {
    const proc = await spawnWorker(stack);
    stats.starts += 1;
    live.add(proc);
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      if (closing) return;
      if (!killed.has(proc)) {
        stats.unexpectedExits += 1;
        log(`worker ${proc.pid} exited by itself (${code ?? signal}); starting another`);
      }
      void add().catch((err: Error) => log(`could not start a worker: ${err.message}`));
    });
  };
  await Promise.all(Array.from({ length: size }, add));
  return {
    stats,
    live: () => live.size,
    /** kill -9 the oldest live worker while another runs (none killed otherwise); the pool replaces it. */
    killOne(): number | undefined {
      const victim = [...live][0];
      if (!victim || live.size < 2) return undefined;
      killed.add(victim);
      victim.kill('SIGKILL');
      stats.kills += 1;
      return victim.pid;
    },
    async close() {
      closing = true;
      await Promise.all(
        [...live].map((p) => {
          const gone = new Promise((r) => p.once('exit', r));
          p.kill('SIGKILL');
          return gone;
        }),
      );
    },
  };
}

export const DRILL_TOKENS = {
  'drill-ops-token': { role: 'ops', name: 'drill' },
  'drill-am-token': { role: 'account-manager', amId: 'drill', name: 'drill' },
};

/**
 * api/main.ts in a child process on a free port; resolves once /healthz answers 200. `errors` collects what
 * it logs at error level (pino level 50: an unhandled error, a 500), so a drill can say which request it was.
 */
export async function startApiProcess(stack: Stack): Promise<{ base: string; child: Child; errors: string[] }> {
  const port = await freePort();
  const env = { ...stackEnv(stack), PORT: String(port), API_TOKENS: JSON.stringify(DRILL_TOKENS) };
  const errors: string[] = [];
  const keepErrors = (line: string) => {
    if (line.includes('"level":50')) errors.push(line);
  };
  const child = startChild('api', process.execPath, [...tsx, join(__dirname, '..', 'api', 'main.ts')], env, {
    quiet: true,
    onLine: keepErrors,
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntil(
    'API',
    async () => {
      if (child.process.exitCode !== null) throw new Error(`api exited with ${child.process.exitCode}`);
      const res = await fetch(`${base}/healthz`);
      if (res.status !== 200) throw new Error(`healthz ${res.status}`);
    },
    120_000,
  );
  return { base, child, errors };
}
