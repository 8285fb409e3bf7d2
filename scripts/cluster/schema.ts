import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPORAL_SERVER_VERSION } from '../provision/temporalServer';
import type { PostgresTarget } from './config';

export const TEMPORAL_DATABASES = { temporal: 'temporal', visibility: 'temporal_visibility' } as const;

/** Runs the SQL tool; its statement-by-statement log is shown only when it fails. */
function sqlTool(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(bin, args, { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`temporal-sql-tool ${args.slice(-4).join(' ')} failed:\n${stdout}${stderr}`)) : resolve(),
    ),
  );
}

/** The server module's versioned Postgres schemas, as `go install` left them in the Go module cache. */
function schemaRoot(): string {
  const go = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  const modCache = execFileSync(go, ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const root = join(modCache, `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  if (!existsSync(root)) throw new Error(`Temporal's schemas are not in the Go module cache (${root}); run npm run start:cluster once`);
  return root;
}

/**
 * Creates `temporal` and `temporal_visibility` and brings their schemas to this server version with
 * Temporal's own SQL tool. Safe on every start: an existing database or versioning table is left as it
 * is (`--quiet` on those two steps only), and `update-schema` applies only the versions not yet applied.
 */
export async function ensureTemporalSchemas(bin: string, pg: PostgresTarget): Promise<void> {
  const root = schemaRoot();
  const env = { ...process.env, SQL_PASSWORD: pg.password };
  for (const [dir, database] of Object.entries(TEMPORAL_DATABASES)) {
    const common = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--db', database];
    await sqlTool(bin, [...common, '--quiet', 'create-database', '--defaultdb', 'postgres'], env);
    await sqlTool(bin, [...common, '--quiet', 'setup-schema', '-v', '0.0'], env);
    await sqlTool(bin, [...common, 'update-schema', '-d', join(root, dir, 'versioned')], env);
  }
}
