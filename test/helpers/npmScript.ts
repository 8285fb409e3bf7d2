// The benchmarks and drills are npm scripts a person runs (`npm run bench:awards -- --accounts 2000`); the
// smoke runs in npm test run them the same way, at a size of seconds, and read the figures they print.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/**
 * `npm run <script> -- <args>` in the repository, in a process group of its own: past `timeoutMs` the whole
 * group (its Temporal server, Postgres, workers) gets SIGTERM, then SIGKILL, and the run answers what it had.
 */
export function runNpmScript(script: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ScriptRun> {
  const started = performance.now();
  const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  let killer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    stderr += `\n[npmScript] ${script} still running after ${opts.timeoutMs / 1000} s: stopping it\n`;
    signalGroup('SIGTERM');
    killer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
  }, opts.timeoutMs);
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      clearTimeout(killer);
      resolvePromise({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** The end of a run's stderr (its progress and any error), to show beside a failed expectation. */
export const tail = (run: ScriptRun, lines = 40) => run.stderr.trim().split('\n').slice(-lines).join('\n');

/**
 * The `key=value` figures of the first output line that starts with `prefix` (`accounts=`, `api:`), values
 * as numbers where they are numbers. Throws, quoting the output, when the line is missing: a benchmark whose
 * figures line is gone has rotted even if it exited 0.
 */
export function figures(stdout: string, prefix: string): Record<string, number | string> {
  const line = stdout.split('\n').find((l) => l.startsWith(prefix));
  if (line === undefined) throw new Error(`no figures line starting with "${prefix}" in:\n${stdout}`);
  const out: Record<string, number | string> = {};
  for (const [, key, value] of line.matchAll(/(?:^|[\s(])([a-z0-9_]+)=([^\s,;()]+)/g)) {
    const n = Number(value);
    out[key!] = value !== '' && Number.isFinite(n) ? n : value!;
  }
  return out;
}

/** A figure that must be a positive number (a rate, a duration): fails naming it otherwise. */
export function positive(f: Record<string, number | string>, key: string): number {
  const v = f[key];
  if (typeof v !== 'number' || !(v > 0))
    throw new Error(`${key} should be a positive number, got ${JSON.stringify(v)} in ${JSON.stringify(f)}`);
  return v;
}
