// The program's real entry points (api/main.ts, worker/main.ts) as child processes, as a deployment runs
// them, with their JSON log lines kept for the test to read.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface RunningEntry {
  proc: ChildProcess;
  /** stdout lines (pino JSON). */
  logs: string[];
  stop(): Promise<void>;
}

/** Polls until `check` passes; the processes count, log and export asynchronously. */
export async function eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms; last:\n${String(value).slice(0, 4000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Starts `entry` under tsx and waits for the log line whose msg is `readyMsg`. */
export async function startEntry(entry: string, env: Record<string, string>, readyMsg: string): Promise<RunningEntry> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, entry)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let stderr = '';
  let partial = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    logs.push(...lines.filter(Boolean));
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };
  await eventually(
    `${entry} ready`,
    async () => {
      if (proc.exitCode !== null) throw new Error(`${entry} exited ${proc.exitCode}: ${stderr}`);
      return logs.join('\n');
    },
    (all) => all.includes(`"msg":"${readyMsg}"`),
    150_000,
  );
  return { proc, logs, stop };
}
