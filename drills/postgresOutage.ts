// Drill: stop Postgres for a while under API and award load, then start it again. Expected: the API answers
// 503 with Retry-After (never another 5xx, never past its timeout), activities retry, and afterwards every
// award and every purchase answered 201 is in the ledger exactly once.
import { log, sleep, waitFor } from '../bench/lib';
import { apiFigures, apiFindings, startApiLoad } from './apiLoad';
import { accountIds, awardFigures, awardFindings, awardProgress, startAwardBurst } from './awards';
import { startApiProcess, startWorkerPool } from './processes';
import { startStack } from './stack';

export interface PostgresOutageOptions {
  accounts: number;
  /** Seconds Postgres stays down. */
  downSeconds: number;
  /** Seconds of load before the stop, and after the start. */
  leadSeconds: number;
  tailSeconds: number;
  clients: number;
  /** A request unanswered after this long counts as a hang (the app's pool waits 20 s for a connection). */
  requestTimeoutSeconds: number;
  timeoutMinutes: number;
  /** After the outage, send each purchase not answered 201 once more with its Idempotency-Key (needs ALL-4). */
  retryRefused?: boolean;
  bundlePath?: string;
}

export async function postgresOutageDrill(o: PostgresOutageOptions) {
  const stack = await startStack({ bundlePath: o.bundlePath });
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const ids = accountIds(o.accounts, 'P');
    await startAwardBurst(stack.db, stack.client, ids);
    const api = await startApiProcess(stack);
    stops.unshift(() => api.child.stop());
    const pool = await startWorkerPool(stack, 1);
    stops.unshift(() => pool.close());
    log(`${o.accounts} awards due, worker and API up; API load from ${o.clients} clients`);
    const load = startApiLoad(api.base, { clients: o.clients, timeoutMs: o.requestTimeoutSeconds * 1000, readAccount: ids[0]! });
    stops.unshift(() => load.stop());
    await sleep(o.leadSeconds * 1000);
    const before = await awardProgress(stack.db, stack.smtp);
    log(`stopping Postgres for ${o.downSeconds} s (${before.lots} of ${o.accounts} award lots so far)`);
    const downAt = Date.now();
    await stack.postgres.stop();
    await sleep(Math.max(0, downAt + o.downSeconds * 1000 - Date.now()));
    await stack.postgres.start();
    const upAt = Date.now();
    log(`Postgres is back after ${((upAt - downAt) / 1000).toFixed(1)} s`);
    await sleep(o.tailSeconds * 1000);
    await load.stop();
    let progress = before;
    await waitFor(
      'every award emailed',
      async () => (progress = await awardProgress(stack.db, stack.smtp)).emails >= o.accounts && progress.sent >= o.accounts,
      { timeoutMs: o.timeoutMinutes * 60_000, everyMs: 500, progress: () => JSON.stringify(progress) },
    );
    const awardsDoneAfterUpSeconds = (Date.now() - upAt) / 1000;
    if (o.retryRefused) log(`retried ${await load.retryRefused()} refused purchases with their Idempotency-Key`);
    await sleep(3000); // room for a late retry that would double something
    const api_ = await apiFigures(stack.db, load.answers, o.requestTimeoutSeconds * 1000, { downAt, upAt });
    const awards = await awardFigures(stack.db, stack.smtp, ids);
    const workers = { ...pool.stats };
    return {
      downSeconds: (upAt - downAt) / 1000,
      awardsBefore: before.lots,
      awardsDoneAfterUpSeconds,
      workers,
      api: api_,
      awards,
      /** What the API logged at error level: the request and the error behind each 5xx other than 503. */
      apiErrors: api.errors.map(summarizeLogLine),
      findings: [...apiFindings(api_), ...awardFindings(awards)],
    };
  } finally {
    for (const stop of stops) await stop().catch((err: Error) => log(`stopping: ${err.message}`));
    await stack.close();
  }
}

/** A pino error line as `METHOD url: message (code)`, short enough for a finding. */
function summarizeLogLine(line: string): string {
  try {
    const e = JSON.parse(line) as {
      req?: { method?: string; url?: string };
      err?: { message?: string; code?: string; type?: string };
      msg?: string;
    };
    return `${e.req?.method ?? ''} ${e.req?.url ?? ''}: ${e.err?.type ?? ''} ${e.err?.message ?? e.msg ?? ''}${e.err?.code ? ` (${e.err.code})` : ''}`.trim();
  } catch {
    return line.slice(0, 300);
  }
}

export type PostgresOutageResult = Awaited<ReturnType<typeof postgresOutageDrill>>;

export function printPostgresOutage(o: PostgresOutageOptions, r: PostgresOutageResult): void {
  const a = r.api;
  const w = r.awards;
  console.log(
    [
      '',
      '=== drill:postgres-outage ===',
      `accounts=${o.accounts} down_s=${r.downSeconds.toFixed(1)} api_clients=${o.clients} request_timeout_s=${o.requestTimeoutSeconds}`,
      `api: requests=${a.requests} ok=${a.ok} refused_503=${a.unavailable503} (without Retry-After ${a.unavailableWithoutRetryAfter}) other_5xx=${a.serverErrorsOther} 4xx=${a.clientErrors} unanswered=${a.noAnswerWithinTimeout} max_ms=${a.maxMs} during_outage=${a.duringOutage} max_ms_during_outage=${a.maxMsDuringOutage} first_ok_after_restart_s=${a.recoveredAfterSeconds?.toFixed(1) ?? 'never'}`,
      `purchases: created=${a.purchasesCreated} created_but_missing=${a.createdButMissing} doubled=${a.purchasesDoubled} refused_but_recorded=${a.refusedButRecorded} retried_with_same_key=${a.retried} (answered 201: ${a.retriesCreated})`,
      `awards: before_stop=${r.awardsBefore} all_emailed_s_after_restart=${r.awardsDoneAfterUpSeconds.toFixed(1)} lots=${w.lots.total} ledger_entries=${w.ledger.total} sent_notices=${w.sentNotices.total} emails=${w.mail.distinctEmails} (same-Message-ID resends ${w.mail.sameMessageIdResends}) worker_exits=${r.workers.unexpectedExits}`,
      `lost=${w.lots.missing + w.ledger.missing + w.sentNotices.missing + (o.accounts - w.mail.notices) + a.createdButMissing} duplicates=${w.lots.doubled + w.ledger.doubled + w.sentNotices.doubled + w.mail.keysWithTwoEmails + a.purchasesDoubled}`,
      ...r.apiErrors.map((e) => `api error: ${e}`),
      r.findings.length ? `FAILED: ${r.findings.join('; ')}` : 'OK: 503 with Retry-After while down, nothing lost, nothing twice',
      '',
    ].join('\n'),
  );
}
