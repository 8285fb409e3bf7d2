import { describe, expect, inject, it } from 'vitest';
import { figures, positive, runNpmScript, tail, type ScriptRun } from '../helpers/npmScript';

// Benchmarks cannot rot: each `bench:*` npm script runs here as a person runs it, at a size of seconds, on
// the suite's Postgres (a database of its own, DATABASE_URL) and workflow bundle (WORKFLOW_BUNDLE), and
// must exit 0 and print its figures. The full sizes stay commands (README "Benchmarks"). Their own checks
// (every award emailed, every reminder recorded) fail the run; the counts below are what it must report.
describe('benchmarks at smoke size', () => {
  const env = { DATABASE_URL: inject('databaseUrl'), WORKFLOW_BUNDLE: inject('workflowBundlePath') };
  const bench = async (script: string, args: string[]): Promise<ScriptRun> => {
    const run = await runNpmScript(script, args, { env, timeoutMs: 90_000 });
    expect(run.code, `${script} ${args.join(' ')} exited ${run.code}:\n${tail(run)}`).toBe(0);
    return run;
  };

  it('LOY-7: bench:awards: 3 accounts enrolled on 2027-08-02 (the server clock it names) awarded on 2028-01-15, one award year measured', async () => {
    const run = await bench('bench:awards', ['--accounts', '3', '--timeout-min', '1']);
    expect(run.stdout).toContain('=== bench:awards summary ===');
    expect(run.stderr).toContain('enrolled 3 in');
    expect(run.stderr).toContain('(accepted 2027-08-02)');
    expect(run.stderr).toContain('award 2028-01-15: 3 lots');
    // LOY-6: each ended year recorded before the re-tier that reads it, or the whole-year run never ends.
    expect(run.stderr).toContain("skipping to 2028-08-30: the Account Manager records FY2028's bookings for the 3 accounts");
    expect(run.stderr).toContain("skipping to 2029-08-30: the Account Manager records FY2029's bookings for the 3 accounts");
    expect(figures(run.stdout, 'accounts=')).toMatchObject({ accounts: 3 });
    const awards = figures(run.stdout, 'awards_s=');
    positive(awards, 'awards_per_s');
    positive(awards, 'emails_per_s');
    const history = figures(run.stdout, 'history_events_per_account_year');
    positive(history, 'mean');
    expect(history).toMatchObject({ sample: 3 });
    expect(run.stdout).toContain('(FY2029 run, sample=3;');
    positive(figures(run.stdout, 'baseline_sql_rows_per_s='), 'baseline_sql_rows_per_s');
  }, 120_000);

  it('LOY-7: bench:awards --server dev: 3 accounts due their award today on the dev server, each awarded once', async () => {
    const run = await bench('bench:awards', ['--server', 'dev', '--accounts', '3', '--timeout-min', '1']);
    expect(run.stdout).toContain('=== bench:awards summary ===');
    expect(figures(run.stdout, 'accounts=')).toMatchObject({ accounts: 3 });
    positive(figures(run.stdout, 'awards_s='), 'awards_per_s');
    positive(figures(run.stdout, 'baseline_sql_rows_per_s='), 'baseline_sql_rows_per_s');
  }, 120_000);

  it('CLC-6, CLC-8: bench:redemptions: 5 redemptions with approval through the API, 2 warm-up ones, against the same ledger writes', async () => {
    const run = await bench('bench:redemptions', ['--redemptions', '5', '--concurrency', '2', '--warm-up', '2']);
    expect(figures(run.stdout, 'redemptions=')).toMatchObject({ redemptions: 5, concurrency: 2 });
    positive(figures(run.stdout, 'api_redemptions_per_s='), 'api_redemptions_per_s');
    positive(figures(run.stdout, 'sql_redemptions_per_s='), 'sql_redemptions_per_s');
    positive(figures(run.stdout, 'sql_with_notices_per_s='), 'sql_with_notices_per_s');
    // Two emails for each of the 7 API redemptions; 4 lots of 25 credits each: 88 left after 2 x 1 + 5 x 2
    // through the API, 90 after 5 x 2 in SQL.
    expect(figures(run.stdout, 'emails_received=')).toMatchObject({ emails_received: 14 });
    expect(figures(run.stdout, 'balances_after')).toMatchObject({ api: 88, sql: 90 });
  }, 120_000);

  it('CLC-3: bench:lots: 20 open lots on the dev server, each reminded once', async () => {
    const run = await bench('bench:lots', ['--lots', '20', '--idle', '1', '--minutes', '1']);
    expect(figures(run.stdout, 'lots=')).toMatchObject({ lots: 20, eagerly_started: expect.any(Number) });
    positive(figures(run.stdout, 'opened_per_s='), 'opened_per_s');
    const reminders = figures(run.stdout, 'all_reminders_recorded_after_s=');
    positive(reminders, 'reminders_per_s');
    expect(figures(run.stdout, 'reminder_emails_received=')).toMatchObject({ reminder_emails_received: 20 });
    positive(figures(run.stdout, 'worker_process_rss_mib'), 'peak');
  }, 120_000);

  it('LCI-2: bench:telemetry: 300 readings to 3 engagements through the API, each completing one phase', async () => {
    const run = await bench('bench:telemetry', ['--engagements', '3', '--readings', '300', '--batch', '100', '--per-customer', '50']);
    expect(figures(run.stdout, 'engagements=')).toMatchObject({ engagements: 3, readings: 300, batches: 3 });
    positive(figures(run.stdout, 'api_accepted_readings_per_s='), 'api_accepted_readings_per_s');
    positive(figures(run.stdout, 'sql_insert_readings_per_s='), 'sql_insert_readings_per_s');
    expect(figures(run.stdout, 'phase_changes=')).toMatchObject({ phase_changes: 3 });
    expect(run.stdout).toContain('phase_changes=3 of 3 expected (unexpected 0)');
    expect(figures(run.stdout, 'payment_emails_received=')).toMatchObject({ payment_emails_received: 3 });
  }, 120_000);

  it("bench:floor: 20 bare workflows' first tasks on the dev server, each starting a second workflow", async () => {
    const run = await bench('bench:floor', ['--workflows', '20', '--lot', 'start']);
    expect(figures(run.stdout, 'workflows=')).toMatchObject({ workflows: 20, lot: 'start' });
    positive(figures(run.stdout, 'tasks_per_s='), 'tasks_per_s');
  }, 120_000);
});
