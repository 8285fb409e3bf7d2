// ALL-4: Idempotency-Key, as the IETF draft (draft-ietf-httpapi-idempotency-key-header) describes it, on
// the operations declared `idempotent`. The same caller's same key with the same request gets the first
// answer again (status, body, Location); with another request, 422; while the first is still running,
// 409 (the draft's choice: the retry is told to come back, it never runs alongside). A refusal or failure
// is not kept: nothing was written, so a retry runs the request again. Where a request mints an id, the
// id comes from the caller and the key (`mintId`), so a retry after the API died mid-request, which takes
// the key over once its lease runs out, finds the entity the first attempt made instead of a second one.
import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Knex } from 'knex';
import type { TokenHolder } from '../config/env';
import { claimKey, completeKey, deleteExpiredKeys, releaseKey, type KeyClaim, type Lifetimes, type StoredAnswer } from '../db/idempotency';
import { actorOf } from './auth';
import { badRequest, HttpError } from './errors';

export type { StoredAnswer } from '../db/idempotency';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Set on an answer that is a replay of the first one. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** Keys are kept a day (the least ALL-4 allows); a request holds its key a minute before a retry may take over. */
export const lifetimes: Lifetimes = { keptSeconds: 24 * 60 * 60, leaseSeconds: 60 };

// The draft's header is a Structured Field string ("…"); a bare token is accepted too, as most clients send one.
const KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key, if it has one; a malformed one is a 400 naming the header. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const raw = req.header(IDEMPOTENCY_HEADER)?.trim();
  if (raw === undefined) return undefined;
  const key = /^"(.*)"$/.exec(raw)?.[1] ?? raw;
  if (!KEY.test(key) || key.includes('"'))
    throw badRequest([{ field: IDEMPOTENCY_HEADER, message: 'one to 255 visible ASCII characters, optionally in double quotes' }]);
  return key;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A new entity's id: from the caller and the request's key when it has one (a retry makes the same id),
 * else random. The two shapes differ (16 hex digits, or a UUID's first 12 characters with its dash).
 */
export function mintId(prefix: string, holder: TokenHolder, req: Request): string {
  const key = idempotencyKeyOf(req);
  return key ? `${prefix}-${sha256(`${actorOf(holder)}\n${key}`).slice(0, 16)}` : `${prefix}-${randomUUID().slice(0, 12)}`;
}

/** JSON with object keys sorted: the same body in another key order or spacing is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

export const fingerprintOf = (req: Request) => `${req.method} ${req.path} ${sha256(canonical(req.body ?? null))}`;

const inProgress = () =>
  new HttpError(409, 'request_in_progress', 'A request with this Idempotency-Key is still being processed; retry it shortly', [], 1);
const keyReused = () =>
  new HttpError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request', [
    { field: IDEMPOTENCY_HEADER, message: 'already used with another method, path or body' },
  ]);

async function runHolding(db: Knex, claim: KeyClaim, run: () => Promise<StoredAnswer>): Promise<StoredAnswer> {
  let answer: StoredAnswer;
  try {
    answer = await run();
  } catch (err) {
    await releaseKey(db, claim).catch(() => undefined); // unreachable database: the lease frees the key
    throw err;
  }
  await completeKey(db, claim, answer);
  // Housekeeping rides along with each stored answer; the answer stands even if it fails.
  await deleteExpiredKeys(db, lifetimes.keptSeconds).catch(() => undefined);
  return answer;
}

/**
 * Runs `run` once per caller and key: a retry gets the stored answer (`replayed`), a retry while the first
 * runs a 409, the key with another request a 422. Without a key, `run` simply runs.
 */
export async function idempotently(
  db: Knex,
  req: Request,
  holder: TokenHolder,
  run: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed?: true }> {
  const key = idempotencyKeyOf(req);
  if (!key) return run();
  const claim: KeyClaim = { caller: actorOf(holder), key, fingerprint: fingerprintOf(req), attempt: randomUUID() };
  const taken = await claimKey(db, claim, lifetimes);
  if (taken.claimed) return runHolding(db, claim, run);
  const { row } = taken;
  if (row.fingerprint !== claim.fingerprint) throw keyReused();
  if (row.state === 'in-progress') throw inProgress();
  return { status: row.status!, body: row.body, ...(row.location ? { location: row.location } : {}), replayed: true };
}
