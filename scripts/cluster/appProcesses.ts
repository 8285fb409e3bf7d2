import { join } from 'node:path';
import { startChild, waitUntil, type Child } from '../services/child';

const root = join(__dirname, '..', '..');
const tsx = ['--import', 'tsx'];

export interface AppProcessOptions {
  quiet?: boolean;
  /** Runs the compiled entry point in dist/ (`npm run build`) with plain node, as a production start does. */
  compiled?: boolean;
}

/** The entry point's command line: from source through tsx, or compiled. */
function entry(dir: 'worker' | 'api', compiled: boolean | undefined): string[] {
  return compiled ? [join(root, 'dist', dir, 'main.js')] : [...tsx, join(root, dir, 'main.ts')];
}

/** The worker (worker/main.ts) in its own process; `env` carries the cluster's connection variables. */
export function startWorkerProcess(name: string, env: NodeJS.ProcessEnv, opts: AppProcessOptions = {}): Child {
  return startChild(name, process.execPath, entry('worker', opts.compiled), env, opts);
}

/** The API (api/main.ts) on `port` in its own process. */
export function startApiProcess(name: string, port: number, env: NodeJS.ProcessEnv, opts: AppProcessOptions = {}): Child {
  return startChild(name, process.execPath, entry('api', opts.compiled), { ...env, PORT: String(port) }, opts);
}

/** Waits for an API's /healthz, failing early if its process has exited. */
export function apiHealthy(child: Child, base: string, ms = 180_000): Promise<void> {
  return waitUntil(
    child.name,
    async () => {
      if (child.process.exitCode !== null) throw new Error(`${child.name} exited with ${child.process.exitCode}`);
      const res = await fetch(`${base}/healthz`);
      if (res.status !== 200) throw new Error(`healthz ${res.status}`);
    },
    ms,
  );
}
