import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './cache';
import { run } from './run';

// Later tags carry a replace directive that `go install` refuses; this one builds from the module proxy.
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** Path of the `temporal` CLI (dev server + Web UI), built with Go into the cache on first use. */
export async function ensureTemporalCli(): Promise<string> {
  const binDir = join(cacheDir(), 'temporal-cli', TEMPORAL_CLI_VERSION);
  const bin = join(binDir, 'temporal');
  if (existsSync(bin)) return bin;
  const staging = join(binDir, 'staging');
  mkdirSync(staging, { recursive: true });
  process.stderr.write(`Building the temporal CLI ${TEMPORAL_CLI_VERSION} with go install (first run only, a few minutes)...\n`);
  // Go's default install location, for shells whose PATH does not name it.
  const go = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  await run(go, ['install', '-v', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
    label: 'go install',
    env: { ...process.env, GOBIN: staging, GOFLAGS: '-buildvcs=false' },
  });
  // Rename is atomic: a half-built binary is never mistaken for a finished one.
  renameSync(join(staging, 'temporal'), bin);
  return bin;
}
