import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './cache';
import { run } from './run';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_SERVER_VERSION = 'v2.42.1';

export interface ServerTools {
  /** `temporal-server start --service=…`: one Temporal service per process. */
  server: string;
  /** `temporal-sql-tool`: creates and updates the Postgres schemas (they are embedded in it). */
  sqlTool: string;
  /** The Web UI server (github.com/temporalio/ui-server). */
  uiServer: string;
}

const go = () => (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go');

/**
 * Builds one Go package into `dir/name` unless it is there. Each package gets its own staging dir since
 * the server and the UI server are both called `server`; the rename is atomic, so a half-built binary
 * is never mistaken for a finished one.
 */
async function ensureGoBinary(dir: string, name: string, pkg: string): Promise<string> {
  const bin = join(dir, name);
  if (existsSync(bin)) return bin;
  const staging = join(dir, `staging-${name}`);
  mkdirSync(staging, { recursive: true });
  const started = Date.now();
  process.stderr.write(`Building ${pkg} with go install (first run only; up to 10 minutes on 2 cores)...\n`);
  await run(go(), ['install', pkg], {
    label: 'go install',
    env: { ...process.env, GOBIN: staging, GOFLAGS: '-buildvcs=false' },
  });
  const built = pkg.split('@')[0]!.split('/').pop()!;
  renameSync(join(staging, built), bin);
  rmSync(staging, { recursive: true, force: true });
  process.stderr.write(`built ${name} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return bin;
}

/** The Temporal server, its SQL tool and the Web UI server, built from the Go module proxy into the cache. */
export async function ensureTemporalServer(): Promise<ServerTools> {
  const serverDir = join(cacheDir(), 'temporal-server', TEMPORAL_SERVER_VERSION);
  const uiDir = join(cacheDir(), 'temporal-ui-server', TEMPORAL_UI_SERVER_VERSION);
  // One at a time: each build alone already fills two cores.
  const server = await ensureGoBinary(serverDir, 'temporal-server', `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`);
  const sqlTool = await ensureGoBinary(serverDir, 'temporal-sql-tool', `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`);
  const uiServer = await ensureGoBinary(uiDir, 'ui-server', `github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_SERVER_VERSION}`);
  return { server, sqlTool, uiServer };
}
