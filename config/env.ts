import { resolve } from 'node:path';
import { z } from 'zod';

// Who may call the API: a map from bearer token to its holder. Team Captains and partners carry the id
// of what is theirs, so ownership is checked against it.
export const tokenHolderSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('account-manager'), name: z.string().optional() }),
  z.object({ role: z.literal('ops'), name: z.string().optional() }),
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  MAIL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(1080),
  MAIL_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
  POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
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
