// CPU seconds used by this process and each child process (the dev server, Postgres) between two
// samples, from /proc: where a benchmark's time goes on a small machine. Linux only; elsewhere empty.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(c);
        walk(c);
      }
    }
  };
  walk(pid);
  return out;
}

const ticksOf = (stat: string) => {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S; // utime + stime
};

function sample(): Map<string, number> {
  const byName = new Map<string, number>();
  // This process by thread: the main (API, activities), workflow-sandbox and Temporal core threads.
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = `thread:${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[-_]?\d+$/, '')}`;
      byName.set(name, (byName.get(name) ?? 0) + ticksOf(stat));
    } catch {
      // a thread that ended between listing and reading
    }
  }
  for (const pid of [process.pid, ...descendants(process.pid)]) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = pid === process.pid ? 'node (bench+api+worker)' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      byName.set(name, (byName.get(name) ?? 0) + ticksOf(stat));
    } catch {
      // a process that ended between listing and reading
    }
  }
  return byName;
}

/** Starts a measurement; `stop()` returns "name=cpu_s" pairs, busiest first. */
export function cpuMeter() {
  const before = sample();
  return {
    stop(): string {
      const after = sample();
      return [...after.entries()]
        .map(([name, s]) => [name, s - (before.get(name) ?? 0)] as const)
        .filter(([, s]) => s >= 0.05)
        .sort((a, b) => b[1] - a[1])
        .map(([name, s]) => `${name.replace(/\s+/g, '_')}=${s.toFixed(1)}s`)
        .join(' ');
    },
  };
}

/** Resident memory (MiB) of each child process of this one (the dev server, Postgres), summed by name. */
export function childRssMiB(): Map<string, number> {
  const byName = new Map<string, number>();
  for (const pid of descendants(process.pid)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const name = /^Name:\s*(.+)$/m.exec(status)?.[1] ?? String(pid);
      const kb = Number(/^VmRSS:\s*(\d+)/m.exec(status)?.[1] ?? 0);
      byName.set(name, (byName.get(name) ?? 0) + kb / 1024);
    } catch {
      // ended between listing and reading
    }
  }
  return byName;
}
