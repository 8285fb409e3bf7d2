import { resolve } from 'node:path';
import { z } from 'zod';

// Who may call the API: a map from bearer token to its holder. Account Managers, Team Captains and
// partners carry the id of what is theirs, so ownership is checked against it (ALL-3).
export const tokenHolderSchema = z.discriminatedUnion('role', [
  // LOY-6: an Account Manager's email, when given, is where a nomination it makes asks for missing bookings.
  z.object({ role: z.literal('account-manager'), amId: z.string().min(1), name: z.string().optional(), email: z.email().optional() }),
  // Issue 24: `id` is the ops holder's stable subject in the records (the JWT's `sub`; a static token's own
  // `id`, else one derived from the token); `name` is only shown beside it (two ops may share a name).
  z.object({ role: z.literal('ops'), id: z.string().min(1).optional(), name: z.string().optional() }),
  z.object({ role: z.literal('team-captain'), ccoId: z.string().min(1) }),
  z.object({ role: z.literal('partner'), partnerId: z.string().min(1) }),
  z.object({ role: z.literal('telemetry') }),
]);
export type TokenHolder = z.infer<typeof tokenHolderSchema>;
export type Role = TokenHolder['role'];

const jsonTokens = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(8, 'a token must be at least 8 characters'), tokenHolderSchema));

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL (${protocols.join(' or ')})`,
  );

/** Comma-separated ISO 3166-1 alpha-2 codes, e.g. `US, de`. */
const countryList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'each country must be a two-letter code')).min(1));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('Cisco Programs <programs@loyalty.example>'),
  // ALL-5: where readers reach the portal; every email links to a page under it. Unset: http://localhost:<PORT>.
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  // CLC-4, CERT-5: where the notices to ops go (an extension asked for, an extension ended).
  OPS_EMAIL: z.string().regex(/@/, 'must be an email address').default('Cisco Programs Ops <ops@programs.example>'),
  API_TOKENS: jsonTokens.optional(),
  TERMS_VERSION: z.string().min(1).max(32).default('2026-1'),
  // LOY-2: the countries where the program runs; unset means the default list in domain/loyalty.ts.
  PROGRAM_COUNTRIES: countryList.optional(),
  // CLC-1: the countries cleared for Learning Credits; unset means the default list in domain/credits.ts.
  CLC_COUNTRIES: countryList.optional(),
  // CAL-3, LOY-4: a new nomination's award day (in the award month), reminder cadence and lapse period;
  // a running account keeps the values it was nominated with.
  LOYALTY_AWARD_DAY: z.coerce.number().int().min(1).max(31).default(15),
  LOYALTY_REMINDER_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  LOYALTY_LAPSE_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  // LCI-4: months an engagement's phase has before it expires; an engagement keeps what it opened with.
  INCENTIVE_PHASE_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  // ALL-2: the longest the API holds a request before answering 503 with Retry-After (api/deadline.ts).
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(25),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  MAIL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(1080),
  MAIL_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
  // The Temporal Web UI the portal links each entity's workflow to (npm start: its dev server's UI).
  TEMPORAL_UI_URL: url(['http:', 'https:']).optional(),
  POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  // Hardening (api/security.ts): writes per caller per minute (0: no limit) and an ordinary body's size.
  RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(6000),
  BODY_LIMIT_KB: z.coerce.number().int().min(1).max(4096).default(64),
  // Issue 14: read by config/temporalConnection.ts through @temporalio/envconfig; listed so a typo'd empty one fails here.
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_CONFIG_FILE: z.string().min(1).optional(),
  TEMPORAL_PROFILE: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  // The worker's /metrics and /health/* (0: any free port, logged at start). Unset: 9464, or any free port
  // when another worker on this machine has it, so running more workers here never fails on it.
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WORKFLOW_BUNDLE: z.string().min(1).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  // Sign-in (issue 13): the OpenID Connect issuer whose JWTs and sessions the API accepts; unset under
  // `npm start` means its own development issuer on OIDC_ISSUER_PORT.
  OIDC_ISSUER: url(['https:', 'http:']).optional(),
  OIDC_CLIENT_ID: z.string().min(1).default('cisco-programs-portal'),
  // Unset: a public client (authorization code + PKCE only).
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_AUDIENCE: z.string().min(1).default('https://programs.example/api'),
  OIDC_SCOPES: z.string().min(1).default('openid profile email programs'),
  // The scope a bearer JWT that lists scopes must list (api/auth.ts grantedToUs); the dev issuer's list none.
  OIDC_API_SCOPE: z.string().regex(/^\S+$/, 'must be one scope').default('api'),
  // /metrics answers only a bearer of this token (a scraper's); unset: /metrics is not served. npm start makes one.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Failed authentications (a bearer token or session cookie that is not valid) per client address per
  // 15 minutes; past it, that address's tries are 429 until the window ends. 0: no limit.
  AUTH_FAILURES_PER_15_MINUTES: z.coerce.number().int().min(0).max(1_000_000).default(50),
  OIDC_ISSUER_PORT: z.coerce.number().int().min(1).max(65535).default(3090),
  // Seals the sign-in's transient cookie; 32+ characters. Unset under `npm start`: generated per DATA_DIR.
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // `npm run start:cluster`: history shards of a new cluster (fixed once its database exists).
  CLUSTER_HISTORY_SHARDS: z.coerce.number().int().min(1).max(16384).default(4),
});

export type Env = z.infer<typeof envSchema> & { DATA_DIR: string };

export class ConfigError extends Error {}

/** Parses the environment once, naming every bad variable (never echoing its value: it may be a secret). */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.flatMap((i) => {
      // A token is a secret and API_TOKENS keys are tokens: name the holder's field, never the key.
      const path = i.path[0] === 'API_TOKENS' && i.path.length > 1 ? ['API_TOKENS', '<token>', ...i.path.slice(2)] : i.path;
      // A refused record key reads only "Invalid key in record": the reasons are in its own issues.
      const reasons = i.code === 'invalid_key' ? i.issues.map((k) => k.message) : [i.message];
      return reasons.map((reason) => `  ${path.join('.') || '(environment)'}: ${reason}`);
    });
    throw new ConfigError(`Bad configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, DATA_DIR: resolve(parsed.data.DATA_DIR) };
}

/** ALL-5: the base of every email's link: PUBLIC_URL, else the API on this machine. */
export const publicUrlOf = (env: Pick<Env, 'PUBLIC_URL' | 'PORT'>) => env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
