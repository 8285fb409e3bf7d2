import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenHolder } from '../config/env';

/**
 * Development secrets for `npm start` without API_TOKENS: random, made once and kept in the data dir
 * (never in the repo), so tokens printed yesterday still work today.
 */
export function devSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return withMetricsToken(file, withAmIds(JSON.parse(readFileSync(file, 'utf8'))));
  const token = (role: string) => `dev-${role}-${randomBytes(9).toString('base64url')}`;
  const secrets = {
    tokens: {
      [token('am')]: { role: 'account-manager', amId: 'dev-am', name: 'dev-am' },
      [token('ops')]: { role: 'ops', name: 'dev-ops' },
      [token('cap')]: { role: 'team-captain', ccoId: 'dlee' },
      [token('p1')]: { role: 'partner', partnerId: 'P-1' },
      [token('tel')]: { role: 'telemetry' },
    } satisfies Record<string, TokenHolder>,
    postgresPassword: randomBytes(18).toString('base64url'),
    metricsToken: newMetricsToken(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

interface DevSecrets {
  tokens: Record<string, TokenHolder>;
  postgresPassword: string;
  /** The bearer /metrics answers (METRICS_TOKEN). */
  metricsToken: string;
}

const newMetricsToken = () => `dev-metrics-${randomBytes(12).toString('base64url')}`;

/** A secrets file written before /metrics needed a token gets one, kept from then on. */
function withMetricsToken(file: string, secrets: Omit<DevSecrets, 'metricsToken'> & { metricsToken?: string }): DevSecrets {
  if (secrets.metricsToken) return secrets as DevSecrets;
  const completed = { ...secrets, metricsToken: newMetricsToken() };
  writeFileSync(file, JSON.stringify(completed, null, 2), { mode: 0o600 });
  return completed;
}

/** A secrets file written before Account Managers carried an id (ALL-3) gets one: its name. */
function withAmIds<S extends { tokens: Record<string, TokenHolder> }>(secrets: S): S {
  for (const holder of Object.values(secrets.tokens))
    if (holder.role === 'account-manager' && !holder.amId) holder.amId = holder.name ?? 'dev-am';
  return secrets;
}
