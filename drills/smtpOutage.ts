// Drill: the mail server down (its port closed) while awards happen, for minutes; then up again.
// Expected: the awards are recorded meanwhile, and every notice is delivered once after.
import { log, sleep, waitFor } from '../bench/lib';
import { accountIds, awardFigures, awardFindings, awardProgress, startAwardBurst } from './awards';
import { startWorkerPool } from './processes';
import { startStack } from './stack';

export interface SmtpOutageOptions {
  accounts: number;
  downSeconds: number;
  timeoutMinutes: number;
  bundlePath?: string;
}

export async function smtpOutageDrill(o: SmtpOutageOptions) {
  const stack = await startStack({ bundlePath: o.bundlePath });
  let pool: Awaited<ReturnType<typeof startWorkerPool>> | undefined;
  try {
    await stack.smtp.stop();
    const downAt = Date.now();
    log(`SMTP down; ${o.accounts} awards due`);
    const ids = accountIds(o.accounts, 'S');
    await startAwardBurst(stack.db, stack.client, ids);
    pool = await startWorkerPool(stack, 1);
    let progress = await awardProgress(stack.db, stack.smtp);
    await waitFor('every award recorded', async () => (progress = await awardProgress(stack.db, stack.smtp)).lots >= o.accounts, {
      timeoutMs: o.timeoutMinutes * 60_000,
      everyMs: 1000,
      progress: () => JSON.stringify(progress),
    });
    log(`${progress.lots} awards recorded, ${progress.sent} notices sent; SMTP stays down until ${o.downSeconds} s`);
    await sleep(Math.max(0, downAt + o.downSeconds * 1000 - Date.now()));
    const sentWhileDown = (await awardProgress(stack.db, stack.smtp)).sent;
    await stack.smtp.start();
    const upAt = Date.now();
    log(`SMTP is back after ${((upAt - downAt) / 1000).toFixed(0)} s`);
    await waitFor(
      'every award notice delivered',
      async () => (progress = await awardProgress(stack.db, stack.smtp)).emails >= o.accounts && progress.sent >= o.accounts,
      { timeoutMs: o.timeoutMinutes * 60_000, everyMs: 500, progress: () => JSON.stringify(progress) },
    );
    const deliveredAfterSeconds = (Date.now() - upAt) / 1000;
    await sleep(3000); // room for a duplicate to show up
    const figures = await awardFigures(stack.db, stack.smtp, ids);
    const findings = awardFindings(figures);
    if (sentWhileDown) findings.push(`${sentWhileDown} notices marked sent while no mail server listened`);
    return { downSeconds: (upAt - downAt) / 1000, deliveredAfterSeconds, sentWhileDown, workers: { ...pool.stats }, figures, findings };
  } finally {
    await pool?.close();
    await stack.close();
  }
}

export type SmtpOutageResult = Awaited<ReturnType<typeof smtpOutageDrill>>;

export function printSmtpOutage(o: SmtpOutageOptions, r: SmtpOutageResult): void {
  const f = r.figures;
  console.log(
    [
      '',
      '=== drill:smtp-outage ===',
      `accounts=${o.accounts} smtp_down_s=${r.downSeconds.toFixed(0)} all_delivered_s_after_smtp_up=${r.deliveredAfterSeconds.toFixed(1)} marked_sent_while_down=${r.sentWhileDown}`,
      `lots=${f.lots.total} ledger_entries=${f.ledger.total} sent_notices=${f.sentNotices.total} award_emails=${f.mail.distinctEmails} (smtp deliveries ${f.mail.received}, same-Message-ID resends ${f.mail.sameMessageIdResends})`,
      `lost=${f.lots.missing + f.ledger.missing + f.sentNotices.missing + (o.accounts - f.mail.notices)} duplicates=${f.lots.doubled + f.ledger.doubled + f.sentNotices.doubled + f.mail.keysWithTwoEmails}`,
      r.findings.length ? `FAILED: ${r.findings.join('; ')}` : 'OK: every notice delivered once after',
      '',
    ].join('\n'),
  );
}
