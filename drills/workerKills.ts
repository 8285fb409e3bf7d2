// Drill: kill -9 a worker every few seconds through an award burst. Two worker processes run; each one
// killed is replaced by a new process. Expected: exactly one lot, one ledger entry and one email per account.
import { log, sleep, waitFor } from '../bench/lib';
import { accountIds, awardFigures, awardFindings, awardProgress, startAwardBurst } from './awards';
import { startWorkerPool } from './processes';
import { startStack } from './stack';

export interface WorkerKillsOptions {
  accounts: number;
  /** Kills the drill must reach during the burst (it kills every `everySeconds` until the burst is done). */
  kills: number;
  /** Seconds between kills. */
  everySeconds: number;
  workers: number;
  timeoutMinutes: number;
  bundlePath?: string;
}

export async function workerKillsDrill(o: WorkerKillsOptions) {
  const stack = await startStack({ bundlePath: o.bundlePath });
  try {
    const ids = accountIds(o.accounts, 'K');
    await startAwardBurst(stack.db, stack.client, ids);
    log(`${o.accounts} accounts due for their award started; starting ${o.workers} worker processes`);
    const pool = await startWorkerPool(stack, o.workers);
    const t0 = Date.now();
    let done = false;
    let progress = { lots: 0, sent: 0, emails: 0 };
    const killer = (async () => {
      while (!done) {
        await sleep(o.everySeconds * 1000);
        if (done) break;
        const pid = pool.killOne();
        if (pid === undefined) continue; // the last kill's replacement is still starting
        log(`kill -9 worker ${pid} (#${pool.stats.kills}); ${progress.lots} lots, ${progress.emails} award emails so far`);
      }
    })();
    try {
      await waitFor(
        'every award emailed',
        async () => {
          progress = await awardProgress(stack.db, stack.smtp);
          return progress.emails >= o.accounts && progress.sent >= o.accounts;
        },
        { timeoutMs: o.timeoutMinutes * 60_000, everyMs: 500, progress: () => JSON.stringify(progress) },
      );
    } finally {
      done = true;
    }
    const burstSeconds = (Date.now() - t0) / 1000;
    await killer;
    const killsInBurst = pool.stats.kills;
    // Workers keep running a while: a retry still in flight that would double something has time to show.
    await sleep(5000);
    const figures = await awardFigures(stack.db, stack.smtp, ids);
    await pool.close();
    const result = {
      burstSeconds,
      kills: pool.stats.kills,
      killsInBurst,
      workerStarts: pool.stats.starts,
      unexpectedExits: pool.stats.unexpectedExits,
      smtpResets: stack.smtp.resets(),
      figures,
    };
    return {
      ...result,
      findings: awardFindings(figures).concat(killsInBurst < o.kills ? [`only ${killsInBurst} kills during the burst`] : []),
    };
  } finally {
    await stack.close();
  }
}

export type WorkerKillsResult = Awaited<ReturnType<typeof workerKillsDrill>>;

export function printWorkerKills(o: WorkerKillsOptions, r: WorkerKillsResult): void {
  const f = r.figures;
  console.log(
    [
      '',
      '=== drill:worker-kills ===',
      `accounts=${o.accounts} workers=${o.workers} kill_every_s=${o.everySeconds}`,
      `kills_during_burst=${r.killsInBurst} kills_total=${r.kills} worker_processes_started=${r.workerStarts} exited_by_themselves=${r.unexpectedExits} smtp_sessions_cut=${r.smtpResets} burst_s=${r.burstSeconds.toFixed(1)} awards_per_s=${(o.accounts / r.burstSeconds).toFixed(1)}`,
      `lots=${f.lots.total} ledger_entries=${f.ledger.total} sent_notices=${f.sentNotices.total} award_emails=${f.mail.distinctEmails} (smtp deliveries ${f.mail.received}, same-Message-ID resends ${f.mail.sameMessageIdResends})`,
      `lost=${f.lots.missing + f.ledger.missing + f.sentNotices.missing + (o.accounts - f.mail.notices)} duplicates=${f.lots.doubled + f.ledger.doubled + f.sentNotices.doubled + f.mail.keysWithTwoEmails}`,
      r.findings.length ? `FAILED: ${r.findings.join('; ')}` : 'OK: nothing lost, nothing twice',
      '',
    ].join('\n'),
  );
}
