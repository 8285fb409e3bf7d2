import { describe, expect, inject, it } from 'vitest';
import { figures, runNpmScript, tail } from '../helpers/npmScript';

// CLC-3, ALL-2 under fire: the short version of `npm run drill:temporal-restart` (README "Fault drills"), run
// as that npm script: the Temporal server stopped for 3 s and started again on its SQLite file while lots'
// reminders are due. The drill exits non-zero on a reminder lost or sent twice.
describe('drill: Temporal restarted while reminders are due', () => {
  it('CLC-3, ALL-2: 10 lots due their 90-day reminder, then Temporal stopped 3 s and started on its file: each reminded once, none twice', async () => {
    const run = await runNpmScript('drill:temporal-restart', ['--lots', '10', '--down', '3', '--timeout-min', '1'], {
      env: { WORKFLOW_BUNDLE: inject('workflowBundlePath') },
      timeoutMs: 110_000,
    });
    expect(run.code, tail(run)).toBe(0);
    expect(run.stdout).toContain('=== drill:temporal-restart ===');
    expect(figures(run.stdout, 'lots=')).toMatchObject({ lots: 10, workers: 1 });
    expect(figures(run.stdout, 'reminders:')).toMatchObject({ recorded: 10, emails: 10 });
    expect(figures(run.stdout, 'lost=')).toEqual({ lost: 0, duplicates: 0 });
    expect(run.stdout).toContain('OK: every reminder sent once');
  }, 120_000);
});
