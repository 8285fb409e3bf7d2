import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenHolder } from '../config/env';

/**
 * Development secrets for `npm start` without API_TOKENS: random, made once and kept in the data dir
 * (never in the repo), so tokens printed yesterday still work today.
 */
export function devSecrets(dataDir: string): { tokens: Record<string, TokenHolder>; postgresPassword: string } {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return withAmIds(JSON.parse(readFileSync(file, 'utf8')));
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
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** A secrets file written before Account Managers carried an id (ALL-3) gets one: its name. */
function withAmIds(secrets: { tokens: Record<string, TokenHolder>; postgresPassword: string }) {
  for (const holder of Object.values(secrets.tokens))
    if (holder.role === 'account-manager' && !holder.amId) holder.amId = holder.name ?? 'dev-am';
  return secrets;
}
