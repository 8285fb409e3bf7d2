// Issue 14's production start, proved by the cluster suite: `npm run build` once (when dist/ is missing or
// older than the sources), then `node dist/scripts/migrate.js` on a blank database before compiled processes start.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { connectDb } from '../../db/connect';
import { withDatabase } from '../setup/global';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const outputs = ['dist/api/main.js', 'dist/worker/main.js', 'dist/scripts/migrate.js', 'dist/workflow-bundle.js'];
// What tsconfig.build.json compiles and scripts/buildWorkflows.ts bundles.
const sources = ['types', 'domain', 'emails', 'services', 'workflows', 'activities', 'worker', 'api', 'db', 'config'];
const buildInputs = ['scripts/migrate.ts', 'scripts/buildWorkflows.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

/** Builds dist/ when it is missing or older than the sources; says how long the build took. */
export async function ensureBuilt(): Promise<{ built: boolean; seconds: number }> {
  const paths = outputs.map((o) => join(root, o));
  const builtAt = paths.every(existsSync) ? Math.min(...paths.map((p) => statSync(p).mtimeMs)) : 0;
  const sourcesAt = Math.max(...[...sources, ...buildInputs].map((s) => newestMtime(join(root, s))));
  if (builtAt > sourcesAt) return { built: false, seconds: 0 };
  const started = Date.now();
  // About 1-3 minutes on 2 shared cores (tsc, then two workflow bundles).
  await run('npm', ['run', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  return { built: true, seconds: (Date.now() - started) / 1000 };
}

/** A database with no tables at all: only `node dist/scripts/migrate.js` will make it usable. */
export async function createBlankDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = inject('databaseUrl');
  const admin = connectDb(base, { min: 0, max: 1 });
  await admin.raw('create database ??', [name]);
  return {
    url: withDatabase(base, name),
    async drop() {
      await admin.raw('drop database if exists ?? with (force)', [name]);
      await admin.destroy();
    },
  };
}

/** Runs the compiled migration against `databaseUrl`; returns what it printed. */
export async function migrateCompiled(env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(process.execPath, [join(root, 'dist', 'scripts', 'migrate.js')], { cwd: root, env });
  return stdout.trim();
}
