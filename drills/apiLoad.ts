// API load for the outage drills: clients that record purchases (each a distinct owner, so a doubled lot
// shows) and read balances, each request bounded by a timeout, every answer kept with its status,
// Retry-After and time.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connect';
import { sleep } from '../bench/lib';
import { today } from './awards';

export interface Answer {
  at: number;
  ms: number;
  /** 0: no answer within the timeout (or the connection failed). */
  status: number;
  retryAfter: string | null;
  kind: 'purchase' | 'read';
  owner?: string;
  lotId?: string;
  key?: string;
  body?: unknown;
  /** The answer's request repeated with the same Idempotency-Key and body. */
  retry?: boolean;
}

const TOKEN = 'drill-ops-token';

type Request = { path: string; body?: unknown; owner?: string; key?: string; retry?: boolean };

async function call(base: string, timeoutMs: number, kind: Answer['kind'], req: Request) {
  const t0 = Date.now();
  const key = req.key ?? randomUUID();
  const answer: Answer = {
    at: t0,
    ms: 0,
    status: 0,
    retryAfter: null,
    kind,
    key,
    ...(req.owner ? { owner: req.owner, body: req.body } : {}),
  };
  if (req.retry) answer.retry = true;
  try {
    const res = await fetch(`${base}${req.path}`, {
      method: req.body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: req.body ? JSON.stringify(req.body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    answer.status = res.status;
    answer.retryAfter = res.headers.get('retry-after');
    const body = (await res.json().catch(() => ({}))) as { lotId?: string };
    if (body.lotId) answer.lotId = body.lotId;
  } catch {
    answer.status = 0;
  }
  answer.ms = Date.now() - t0;
  return answer;
}

/** `clients` loops, each alternating a purchase and a balance read, until `stop()`. */
export function startApiLoad(base: string, opts: { clients: number; timeoutMs: number; readAccount: string }) {
  const answers: Answer[] = [];
  let running = true;
  let n = 0;
  const client = async () => {
    while (running) {
      const owner = `drill-${(n += 1)}@owner.example`;
      const body = {
        owner: { name: 'Drill Owner', email: owner },
        country: 'US',
        invoiceDate: today(),
        packages: [{ size: 10, quantity: 1 }],
      };
      answers.push(await call(base, opts.timeoutMs, 'purchase', { path: '/v1/purchases', body, owner }));
      answers.push(await call(base, opts.timeoutMs, 'read', { path: `/v1/accounts/${opts.readAccount}/balance` }));
      // A client told to retry later waits as told (bounded), as a well-behaved caller would.
      const last = answers[answers.length - 1]!;
      if (last.status === 503) await sleep(Math.min(Number(last.retryAfter ?? 1), 2) * 1000);
    }
  };
  const lanes = Array.from({ length: opts.clients }, client);
  return {
    answers,
    async stop() {
      running = false;
      await Promise.all(lanes);
    },
    /** Each purchase not answered 201, sent again once with its Idempotency-Key, as a client retries (ALL-4). */
    async retryRefused() {
      const refused = answers.filter((a) => a.kind === 'purchase' && a.status !== 201 && !a.retry);
      for (const a of refused) {
        const again = { path: '/v1/purchases', body: a.body, owner: a.owner, key: a.key, retry: true };
        answers.push(await call(base, opts.timeoutMs, 'purchase', again));
      }
      return refused.length;
    },
  };
}

/** What the answers say, and whether each purchase is in the ledger exactly as answered. */
export async function apiFigures(db: Db, answers: Answer[], timeoutMs: number, window: { downAt: number; upAt: number }) {
  const by = (f: (a: Answer) => boolean) => answers.filter(f).length;
  const lotsOf = new Map<string, number>();
  const rows: { owner_email: string; n: string }[] = await db('credit_lots')
    .where({ source: 'purchase' })
    .groupBy('owner_email')
    .select('owner_email')
    .count({ n: '*' });
  for (const r of rows) lotsOf.set(r.owner_email, Number(r.n));
  const purchases = answers.filter((a) => a.kind === 'purchase' && !a.retry);
  const retries = answers.filter((a) => a.retry);
  const created = purchases.filter((a) => a.status === 201);
  const firstOkAfterUp = answers.find((a) => a.at >= window.upAt && a.status >= 200 && a.status < 300);
  return {
    requests: answers.length,
    ok: by((a) => a.status >= 200 && a.status < 300),
    unavailable503: by((a) => a.status === 503),
    unavailableWithoutRetryAfter: by((a) => a.status === 503 && !a.retryAfter),
    serverErrorsOther: by((a) => a.status >= 500 && a.status !== 503),
    clientErrors: by((a) => a.status >= 400 && a.status < 500),
    noAnswerWithinTimeout: by((a) => a.status === 0),
    maxMs: Math.max(0, ...answers.map((a) => a.ms)),
    // Requests in flight at any moment of the outage.
    duringOutage: by((a) => a.at < window.upAt && a.at + a.ms > window.downAt),
    maxMsDuringOutage: Math.max(0, ...answers.filter((a) => a.at < window.upAt && a.at + a.ms > window.downAt).map((a) => a.ms)),
    timeoutMs,
    recoveredAfterSeconds: firstOkAfterUp ? (firstOkAfterUp.at + firstOkAfterUp.ms - window.upAt) / 1000 : undefined,
    purchasesCreated: created.length,
    createdButMissing: created.filter((a) => lotsOf.get(a.owner!) !== 1).length,
    purchasesDoubled: purchases.filter((a) => (lotsOf.get(a.owner!) ?? 0) > 1).length,
    refusedButRecorded: purchases.filter((a) => a.status !== 201 && lotsOf.get(a.owner!) === 1).length,
    retried: retries.length,
    retriesCreated: retries.filter((a) => a.status === 201).length,
    retriesMissing: retries.filter((a) => a.status === 201 && lotsOf.get(a.owner!) !== 1).length,
  };
}

export type ApiFigures = Awaited<ReturnType<typeof apiFigures>>;

export function apiFindings(f: ApiFigures): string[] {
  const out: string[] = [];
  if (f.serverErrorsOther) out.push(`${f.serverErrorsOther} answers 5xx other than 503`);
  if (f.unavailableWithoutRetryAfter) out.push(`${f.unavailableWithoutRetryAfter} answers 503 without Retry-After`);
  if (f.noAnswerWithinTimeout) out.push(`${f.noAnswerWithinTimeout} requests unanswered within ${f.timeoutMs / 1000} s`);
  if (f.clientErrors) out.push(`${f.clientErrors} answers 4xx to valid requests`);
  if (f.recoveredAfterSeconds === undefined) out.push('no request succeeded after the outage');
  if (f.createdButMissing) out.push(`${f.createdButMissing} purchases answered 201 without exactly one lot`);
  if (f.retriesMissing) out.push(`${f.retriesMissing} retried purchases answered 201 without exactly one lot`);
  if (f.purchasesDoubled) out.push(`${f.purchasesDoubled} purchases recorded twice`);
  return out;
}
