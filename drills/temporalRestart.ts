// Drill: stop the Temporal server while lots have reminders due, start it again on the same SQLite file.
// Expected: every reminder recorded and emailed once; its lateness (after its lot's start) reported.
import { log, sleep, waitFor } from '../bench/lib';
import { dueLot, reminderFigures, seedLots, startLots } from './lots';
import { startWorkerPool } from './processes';
import { startStack } from './stack';
import { mailFigures } from './sink';
import { REMINDER_NOTICE } from './lots';

export interface TemporalRestartOptions {
  lots: number;
  downSeconds: number;
  workers: number;
  timeoutMinutes: number;
  bundlePath?: string;
}

export async function temporalRestartDrill(o: TemporalRestartOptions) {
  const stack = await startStack({ bundlePath: o.bundlePath });
  let pool: Awaited<ReturnType<typeof startWorkerPool>> | undefined;
  try {
    const lots = Array.from({ length: o.lots }, (_, i) => dueLot(`TR-${String(i).padStart(5, '0')}`));
    await seedLots(stack.db, lots);
    // Started while no worker runs: every reminder is due and waiting in Temporal when the server stops.
    const startedAt = await startLots(stack.client, lots);
    log(`${o.lots} lots started with their reminder due; starting ${o.workers} worker(s)`);
    pool = await startWorkerPool(stack, o.workers);
    await sleep(2000);
    const beforeStop = mailFigures(stack.smtp, REMINDER_NOTICE).notices;
    log(`stopping Temporal for ${o.downSeconds} s (${beforeStop} reminders emailed so far)`);
    const downAt = Date.now();
    await stack.temporal.stop();
    await sleep(Math.max(0, downAt + o.downSeconds * 1000 - Date.now()));
    await stack.temporal.start();
    const upAt = Date.now();
    const atRestart = mailFigures(stack.smtp, REMINDER_NOTICE).notices;
    log(`Temporal is back after ${((upAt - downAt) / 1000).toFixed(1)} s (${atRestart} reminders emailed so far)`);
    let emailed = atRestart;
    await waitFor('every reminder emailed', () => (emailed = mailFigures(stack.smtp, REMINDER_NOTICE).notices) >= o.lots, {
      timeoutMs: o.timeoutMinutes * 60_000,
      everyMs: 500,
      progress: () => `${emailed} of ${o.lots}`,
    });
    const allAfterRestartSeconds = (Date.now() - upAt) / 1000;
    await sleep(3000); // room for a duplicate to show up
    const figures = await reminderFigures(stack.db, stack.smtp, startedAt);
    const findings: string[] = [];
    if (figures.missing) findings.push(`${figures.missing} lots without their reminder`);
    if (figures.doubled) findings.push(`${figures.doubled} lots reminded twice`);
    if (figures.unsent) findings.push(`${figures.unsent} reminders recorded but not marked sent`);
    if (figures.mail.notices !== o.lots) findings.push(`${o.lots - figures.mail.notices} reminder emails never arrived`);
    if (figures.mail.keysWithTwoEmails) findings.push(`${figures.mail.keysWithTwoEmails} reminders emailed twice`);
    const workers = { ...pool.stats };
    return { downSeconds: (upAt - downAt) / 1000, beforeStop, atRestart, allAfterRestartSeconds, workers, figures, findings };
  } finally {
    await pool?.close();
    await stack.close();
  }
}

export type TemporalRestartResult = Awaited<ReturnType<typeof temporalRestartDrill>>;

export function printTemporalRestart(o: TemporalRestartOptions, r: TemporalRestartResult): void {
  const f = r.figures;
  console.log(
    [
      '',
      '=== drill:temporal-restart ===',
      `lots=${o.lots} workers=${o.workers} temporal_down_s=${r.downSeconds.toFixed(1)} (dev server, SQLite file kept)`,
      `reminders_emailed: before_stop=${r.beforeStop} while_down=${r.atRestart - r.beforeStop} after_restart=${o.lots - r.atRestart} all_done_s_after_restart=${r.allAfterRestartSeconds.toFixed(1)} worker_exits=${r.workers.unexpectedExits}`,
      `reminders: recorded=${f.recorded} emails=${f.mail.distinctEmails} (same-Message-ID resends ${f.mail.sameMessageIdResends}) lateness_after_lot_start_s p50=${f.latenessSeconds.p50.toFixed(1)} p99=${f.latenessSeconds.p99.toFixed(1)} max=${f.latenessSeconds.max.toFixed(1)}`,
      `lost=${f.missing + (o.lots - f.mail.notices)} duplicates=${f.doubled + f.mail.keysWithTwoEmails}`,
      r.findings.length ? `FAILED: ${r.findings.join('; ')}` : 'OK: every reminder sent once',
      '',
    ].join('\n'),
  );
}
