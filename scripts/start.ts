// `npm start`: brings up the whole service on one machine. Each piece is skipped when the environment
// points at a real one (DATABASE_URL, TEMPORAL_ADDRESS, SMTP_URL); the worker and API always start here.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnv, publicUrlOf } from '../config/env';
import { connectDb, migrate } from '../db/connect';
import { ensurePortalBuilt } from './buildPortal';
import { devSecrets } from './devSecrets';
import { ensureTemporalCli } from './provision/temporalCli';
import { startChild, waitUntil, type Child } from './services/child';
import { startMailCatcher } from './services/mailCatcher';
import { devIssuerSecrets, startOidcIssuer, type SeededUser } from './services/oidcIssuer';
import { startEmbeddedPostgres } from './services/postgres';
import { startTemporalDevServer } from './services/temporalDevServer';
import { stackLifecycle } from './services/stack';

const { stops, run, supervise } = stackLifecycle();
const step = (message: string) => console.log(`▸ ${message}`);

type Env = ReturnType<typeof loadEnv>;
type Urls = [string, string][];

async function main() {
  const env = loadEnv();
  mkdirSync(env.DATA_DIR, { recursive: true });
  const secrets = devSecrets(env.DATA_DIR);
  const tokens = env.API_TOKENS ?? secrets.tokens;
  const urls: Urls = [];
  const databaseUrl = env.DATABASE_URL ?? (await startPostgres(env, secrets.postgresPassword, urls));
  const db = connectDb(databaseUrl, { min: 0, max: 1 });
  const applied = await migrate(db);
  await db.destroy();
  step(`database migrated (${applied.length} new migration(s))`);
  const temporalAddress = env.TEMPORAL_ADDRESS ?? (await startTemporal(env, urls));
  const smtpUrl = env.SMTP_URL ?? (await startMail(env, urls));
  await ensurePortalBuilt(step);
  const signIn = await startSignIn(env, urls);
  startWorkerAndApi({
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    SMTP_URL: smtpUrl,
    API_TOKENS: JSON.stringify(tokens),
    METRICS_TOKEN: env.METRICS_TOKEN ?? secrets.metricsToken,
    ...signIn.env,
    // The portal links each entity to its workflow in the dev server's Web UI, unless told another.
    ...(env.TEMPORAL_UI_URL || env.TEMPORAL_ADDRESS ? {} : { TEMPORAL_UI_URL: `http://127.0.0.1:${env.TEMPORAL_UI_PORT}` }),
  });
  const api = `http://127.0.0.1:${env.PORT}`;
  await waitUntil('API', () => healthy(api), 120_000);
  // The portal at its public URL: the session cookie belongs to that host name.
  urls.unshift(['Portal', `${publicUrlOf(env)}/app`], ['API', api], ['API docs', `${api}/docs`]);
  console.log('\nCisco Programs is running:');
  for (const [name, url] of urls) console.log(`  ${name.padEnd(16)} ${url}`);
  if (!env.API_TOKENS) {
    console.log('\nDevelopment API tokens (set API_TOKENS to use your own):');
    for (const [token, holder] of Object.entries(tokens)) console.log(`  ${token}  ${JSON.stringify(holder)}`);
  }
  if (!env.METRICS_TOKEN)
    console.log(`\nMetrics token (GET ${api}/metrics with it as bearer; set METRICS_TOKEN to use your own):\n  ${secrets.metricsToken}`);
  if (signIn.users.length) {
    console.log(`\nSign in at ${signIn.env.PUBLIC_URL}/auth/login (development issuer; set OIDC_ISSUER to use your own):`);
    for (const u of signIn.users) console.log(`  ${u.username.padEnd(9)} ${u.password}  ${JSON.stringify(u.claims)}`);
  }
  console.log('\nCtrl-C stops everything.');
}

async function startPostgres(env: Env, password: string, urls: Urls): Promise<string> {
  step(`starting embedded PostgreSQL (data in ${join(env.DATA_DIR, 'postgres')})`);
  const pg = await startEmbeddedPostgres({ dataDir: join(env.DATA_DIR, 'postgres'), port: env.POSTGRES_PORT, persistent: true, password });
  stops.unshift(pg.stop);
  urls.push([
    'PostgreSQL',
    `postgres://postgres@127.0.0.1:${env.POSTGRES_PORT}/postgres (password in ${join(env.DATA_DIR, 'dev-secrets.json')})`,
  ]);
  return pg.url;
}

async function startTemporal(env: Env, urls: Urls): Promise<string> {
  const cli = await ensureTemporalCli();
  step('starting the Temporal dev server');
  const temporal = await startTemporalDevServer({ cli, dataDir: env.DATA_DIR, port: env.TEMPORAL_PORT, uiPort: env.TEMPORAL_UI_PORT });
  stops.unshift(() => temporal.child.stop());
  urls.push(['Temporal', temporal.address], ['Temporal Web UI', `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`]);
  return temporal.address;
}

async function startMail(env: Env, urls: Urls): Promise<string> {
  step('starting the mail catcher (maildev)');
  const mail = await startMailCatcher({ smtpPort: env.MAIL_SMTP_PORT, webPort: env.MAIL_UI_PORT });
  stops.unshift(() => mail.child.stop());
  urls.push(['Mail catcher', mail.webUrl]);
  return mail.smtpUrl;
}

/**
 * Sign-in: the company's issuer when OIDC_ISSUER is set, else a development issuer (oidc-provider) with
 * seeded users whose passwords, like the session secret, are made once per DATA_DIR.
 */
async function startSignIn(env: Env, urls: Urls): Promise<{ env: Record<string, string>; users: SeededUser[] }> {
  const publicUrl = publicUrlOf(env);
  const secretFile = join(env.DATA_DIR, 'dev-session-secret');
  if (!env.SESSION_SECRET && !existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  const shared = { PUBLIC_URL: publicUrl, SESSION_SECRET: env.SESSION_SECRET ?? readFileSync(secretFile, 'utf8').trim() };
  if (env.OIDC_ISSUER) return { env: shared, users: [] };
  step('starting the development OpenID Connect issuer');
  const issuer = await startOidcIssuer({
    port: env.OIDC_ISSUER_PORT,
    clientId: env.OIDC_CLIENT_ID,
    ...(env.OIDC_CLIENT_SECRET ? { clientSecret: env.OIDC_CLIENT_SECRET } : {}),
    redirectUris: [`${publicUrl}/auth/callback`],
    postLogoutRedirectUris: [`${publicUrl}/app`],
    audience: env.OIDC_AUDIENCE,
    secrets: await devIssuerSecrets(env.DATA_DIR),
  });
  stops.unshift(issuer.stop);
  urls.push(['OIDC issuer', issuer.issuer]);
  return { env: { ...shared, OIDC_ISSUER: issuer.issuer }, users: issuer.users };
}

/** The worker and the API as child processes; if either dies, everything stops. */
function startWorkerAndApi(childEnv: NodeJS.ProcessEnv) {
  step('starting the worker and the API');
  const tsx = ['--import', 'tsx'];
  const children: Child[] = [
    startChild('worker', process.execPath, [...tsx, join(__dirname, '..', 'worker', 'main.ts')], childEnv),
    startChild('api', process.execPath, [...tsx, join(__dirname, '..', 'api', 'main.ts')], childEnv),
  ];
  for (const c of children) supervise(c);
}

async function healthy(api: string): Promise<void> {
  const res = await fetch(`${api}/healthz`);
  if (res.status !== 200) throw new Error(`healthz ${res.status}: ${await res.text()}`);
}

run(main);
