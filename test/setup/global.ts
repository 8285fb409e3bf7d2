// Once per `npm test`: provision the Temporal tools, start one real Postgres, migrate a template database
// (each test file clones it), and bundle the workflows once for every worker the tests start.
import './keepExitCode';
import { bundleWorkflowCode } from '@temporalio/worker';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { connectDb, migrate } from '../../db/connect';
import { ensureTemporalCli } from '../../scripts/provision/temporalCli';
import { ensureTestServer } from '../../scripts/provision/testServer';
import { ensurePortalBuilt } from '../../scripts/buildPortal';
import { freePort } from '../../scripts/services/freePort';
import { startEmbeddedPostgres, type RunningPostgres } from '../../scripts/services/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCliPath: string;
    testServerPath: string;
    databaseUrl: string;
    templateDatabase: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const scratch = mkdtempSync(join(tmpdir(), 'cisco-programs-test-'));
  chmodSync(scratch, 0o755); // embedded Postgres runs as the `postgres` user when we are root
  const [temporalCliPath, testServerPath] = await Promise.all([ensureTemporalCli(), ensureTestServer(), ensurePortalBuilt()]);

  let postgres: RunningPostgres | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    postgres = await startEmbeddedPostgres({
      dataDir: join(scratch, 'pg'),
      port: await freePort(),
      persistent: false,
      password: 'test-only',
    });
    databaseUrl = postgres.url;
  }

  const templateDatabase = `cp_template_${process.pid}`;
  const admin = connectDb(databaseUrl);
  await admin.raw('drop database if exists ??', [templateDatabase]);
  await admin.raw('create database ??', [templateDatabase]);
  const template = connectDb(withDatabase(databaseUrl, templateDatabase));
  await migrate(template);
  await template.destroy();

  const { code } = await bundleWorkflowCode({ workflowsPath: resolve(__dirname, '../../workflows/index.ts'), logger: quietLogger });
  const workflowBundlePath = join(scratch, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, code);

  project.provide('temporalCliPath', temporalCliPath);
  project.provide('testServerPath', testServerPath);
  project.provide('databaseUrl', databaseUrl);
  project.provide('templateDatabase', templateDatabase);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await admin.raw('drop database if exists ?? with (force)', [templateDatabase]).catch(() => undefined);
    await admin.destroy();
    await postgres?.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => process.stderr.write(`[bundle] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundle] ${message}\n`),
};
