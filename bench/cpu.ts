// Where a benchmark's CPU and memory go, from /proc (Linux only; elsewhere it reports nothing): each thread
// of this process (the JS main thread runs the API, activities and SDK glue, the workflow thread runs
// workflow code, tokio threads run the SDK core) and each child process (the Temporal server, Postgres).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};
const list = (path: string) => {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
};

/** comm and utime+stime (seconds) of a /proc stat line. */
function parseStat(stat: string): { name: string; cpu: number } | undefined {
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S };
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const t of list(`/proc/${pid}/task`)) {
    for (const c of read(`/proc/${pid}/task/${t}/children`).trim().split(/\s+/).filter(Boolean).map(Number)) out.push(c, ...descendants(c));
  }
  return out;
}

function sample(): Map<string, number> {
  const cpu = new Map<string, number>();
  const add = (key: string, s: number) => cpu.set(key, (cpu.get(key) ?? 0) + s);
  for (const tid of list(`/proc/${process.pid}/task`)) {
    const t = parseStat(read(`/proc/${process.pid}/task/${tid}/stat`));
    // The main thread's id is the process id; worker threads are named after their kind.
    if (t) add(Number(tid) === process.pid ? 'this:js-main' : `this:${t.name.replace(/\s+/g, '_')}`, t.cpu);
  }
  for (const pid of descendants(process.pid)) {
    const p = parseStat(read(`/proc/${pid}/stat`));
    if (p) add(`child:${p.name.replace(/\s+/g, '_')}`, p.cpu);
  }
  return cpu;
}

/** Busy CPU seconds of the whole machine (all cores), from the first line of /proc/stat. */
function machineBusy(): number {
  const [, ...ticks] = read('/proc/stat').split('\n')[0]!.trim().split(/\s+/).map(Number);
  if (ticks.length < 5) return 0;
  const idle = ticks[3]! + ticks[4]!; // idle + iowait
  return (ticks.reduce((a, b) => a + b, 0) - idle) / TICKS_PER_S;
}

/**
 * Starts a measurement; `stop(seconds)` lists "name=share of one core" per thread group and child,
 * busiest first, then the whole machine's and what other processes (other benchmarks, tests) used.
 */
export function cpuShareMeter() {
  const before = sample();
  const machineBefore = machineBusy();
  return {
    stop(wallSeconds: number): string {
      const shares = [...sample().entries()].map(([name, s]) => [name, (s - (before.get(name) ?? 0)) / wallSeconds] as const);
      const ours = shares.reduce((sum, [, share]) => sum + share, 0);
      const machine = (machineBusy() - machineBefore) / wallSeconds;
      const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
      return (
        shares
          .filter(([, share]) => share >= 0.02)
          .sort((a, b) => b[1] - a[1])
          .map(([name, share]) => `${name}=${pct(share)}`)
          .join(' ') + ` | ours=${pct(ours)} machine=${pct(machine)} other_processes=${pct(Math.max(0, machine - ours))}`
      );
    },
  };
}

/** Starts a measurement; `stop()` lists "name=CPU seconds" per thread group and child, busiest first. */
export function cpuSecondsMeter() {
  const before = sample();
  return {
    stop(): string {
      return [...sample().entries()]
        .map(([name, s]) => [name, s - (before.get(name) ?? 0)] as const)
        .filter(([, s]) => s >= 0.05)
        .sort((a, b) => b[1] - a[1])
        .map(([name, s]) => `${name}=${s.toFixed(1)}s`)
        .join(' ');
    },
  };
}

/** Resident memory (MiB) of each child process of this one (the dev server, Postgres), summed by name. */
export function childRssMiB(): Map<string, number> {
  const byName = new Map<string, number>();
  for (const pid of descendants(process.pid)) {
    const status = read(`/proc/${pid}/status`);
    if (!status) continue; // ended between listing and reading
    const name = /^Name:\s*(.+)$/m.exec(status)?.[1] ?? String(pid);
    const kb = Number(/^VmRSS:\s*(\d+)/m.exec(status)?.[1] ?? 0);
    byName.set(name, (byName.get(name) ?? 0) + kb / 1024);
  }
  return byName;
}
