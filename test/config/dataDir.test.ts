import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/services/freePort';
import { blockedFolder, startEmbeddedPostgres } from '../../scripts/services/postgres';

const root = resolve(__dirname, '../..');

// Started as root, embedded Postgres runs as the `postgres` user: a DATA_DIR inside a folder that user
// may not enter is refused at start with one sentence, before initdb fails on it (issue 15).
describe.skipIf(process.getuid?.() !== 0)('DATA_DIR when started as root', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'cp-datadir-'));
    chmodSync(base, 0o755);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('npm start refuses a DATA_DIR inside a private folder, naming the folder and what to do', async () => {
    const privateDir = join(base, 'private');
    mkdirSync(privateDir);
    chmodSync(privateDir, 0o700);
    const dataDir = join(privateDir, 'data');
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, POSTGRES_PORT: String(await freePort()), LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 90_000,
      env,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(1);
    expect(output).toContain(
      `Embedded PostgreSQL cannot use the data directory ${join(dataDir, 'postgres')}: started as root, it runs as the user "postgres" ` +
        `(PostgreSQL refuses root), which may not enter ${privateDir}. Let it in (chmod o+x ${privateDir}), ` +
        'choose a DATA_DIR outside that folder, or set DATABASE_URL to a PostgreSQL of your own.',
    );
    expect(output).not.toMatch(/initdb|Permission denied|\n\s+at /);
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(false);
  });

  it('starts when the private folder lets the postgres user pass through (o+x without o+r)', async () => {
    const passable = join(base, 'passable');
    mkdirSync(passable);
    chmodSync(passable, 0o711);
    const server = await startEmbeddedPostgres({
      dataDir: join(passable, 'data', 'pg'),
      port: await freePort(),
      persistent: false,
      password: 'test-only',
    });
    const client = new pg.Client({ connectionString: server.url });
    try {
      await client.connect();
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
      await server.stop();
    }
  });

  it('reads owner, group and other search bits for the user the server runs as', () => {
    const dir = join(base, 'bits');
    mkdirSync(dir);
    chmodSync(dir, 0o710); // owner root, group root: only root and root's group may enter
    expect(blockedFolder(join(dir, 'data'), { name: 'postgres', uid: 101, groups: [104] })).toBe(dir);
    expect(blockedFolder(join(dir, 'data'), { name: 'postgres', uid: 101, groups: [104, 0] })).toBeUndefined();
    expect(blockedFolder(join(dir, 'data'), { name: 'postgres', uid: 0, groups: [] })).toBeUndefined();
    expect(blockedFolder(join(base, 'missing', 'deeper'), { name: 'postgres', uid: 101, groups: [] })).toBeUndefined();
  });
});
