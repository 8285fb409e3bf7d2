import type { Knex } from 'knex';

// ALL-4: the stored Idempotency-Keys (migration 008). A key belongs to one caller; the first attempt to
// claim it runs the request, and its answer is kept for every retry until the key expires.

export const TABLE = 'idempotency_keys';

/** One caller's key and what the request it came with looks like. */
export interface KeyClaim {
  caller: string;
  key: string;
  /** method, path and a hash of the body: the same key with another request is refused. */
  fingerprint: string;
  /** This attempt's own id: only the attempt holding the key stores its answer or lets it go. */
  attempt: string;
}

/** The answer a request got, as it is replayed. */
export interface StoredAnswer {
  status: number;
  body: unknown;
  /** The Location header, filled. */
  location?: string;
}

export interface KeyRow {
  fingerprint: string;
  state: 'in-progress' | 'complete';
  status: number | null;
  body: unknown;
  location: string | null;
}

export interface Lifetimes {
  /** How long a key is kept (ALL-4: at least 24 hours). */
  keptSeconds: number;
  /** How long an in-progress attempt holds its key before another may take over. */
  leaseSeconds: number;
}

const interval = (seconds: number) => `${seconds} seconds`;

/**
 * Claims the key for this attempt: a new key, an expired one, or one whose attempt died (lease run out,
 * same request) becomes this attempt's. Otherwise returns what is stored, for the caller to judge.
 */
export async function claimKey(db: Knex, claim: KeyClaim, life: Lifetimes): Promise<{ claimed: true } | { claimed: false; row: KeyRow }> {
  for (;;) {
    const taken = await db.raw<{ rows: { attempt: string }[] }>(
      `INSERT INTO ${TABLE} AS k (caller, key, fingerprint, state, attempt, locked_at, created_at)
       VALUES (?, ?, ?, 'in-progress', ?, now(), now())
       ON CONFLICT (caller, key) DO UPDATE SET
         fingerprint = excluded.fingerprint, state = 'in-progress', attempt = excluded.attempt, locked_at = now(),
         status = NULL, body = NULL, location = NULL,
         created_at = CASE WHEN k.created_at < now() - ?::interval THEN now() ELSE k.created_at END
       WHERE k.created_at < now() - ?::interval
          OR (k.state = 'in-progress' AND k.locked_at < now() - ?::interval AND k.fingerprint = excluded.fingerprint)
       RETURNING k.attempt`,
      [
        claim.caller,
        claim.key,
        claim.fingerprint,
        claim.attempt,
        interval(life.keptSeconds),
        interval(life.keptSeconds),
        interval(life.leaseSeconds),
      ],
    );
    if (taken.rows[0]?.attempt === claim.attempt) return { claimed: true };
    const row = await db(TABLE)
      .where({ caller: claim.caller, key: claim.key })
      .first<KeyRow | undefined>('fingerprint', 'state', 'status', 'body', 'location');
    // Gone in between (its attempt failed and let it go): claim it afresh.
    if (row) return { claimed: false, row };
  }
}

/** Stores the answer of the attempt that holds the key; a later attempt that took over wins. */
export async function completeKey(db: Knex, claim: KeyClaim, answer: StoredAnswer): Promise<void> {
  await db(TABLE)
    .where({ caller: claim.caller, key: claim.key, attempt: claim.attempt })
    .update({ state: 'complete', status: answer.status, body: JSON.stringify(answer.body), location: answer.location ?? null });
}

/** Lets the key go after a refusal or failure: nothing was kept, so a retry runs the request again. */
export async function releaseKey(db: Knex, claim: KeyClaim): Promise<void> {
  await db(TABLE).where({ caller: claim.caller, key: claim.key, attempt: claim.attempt, state: 'in-progress' }).delete();
}

/** Deletes up to `limit` expired keys; returns how many. Bounded, so it can ride along with a write. */
export async function deleteExpiredKeys(db: Knex, keptSeconds: number, limit = 100): Promise<number> {
  const { rowCount } = await db.raw<{ rowCount: number }>(
    `DELETE FROM ${TABLE} WHERE ctid IN (SELECT ctid FROM ${TABLE} WHERE created_at < now() - ?::interval LIMIT ?)`,
    [interval(keptSeconds), limit],
  );
  return rowCount;
}
