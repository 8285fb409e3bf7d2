import { describe, expect, inject, it } from 'vitest';
import { figures, runNpmScript, tail } from '../helpers/npmScript';

// LOY-7, ALL-2 under fire: the short version of `npm run drill:worker-kills` (README "Fault drills"), run as
// that npm script: worker processes killed with SIGKILL through an award burst; each account still gets one
// of each. The drill exits non-zero on any loss, duplicate or too few kills; its figures say what it saw.
describe('drill: worker kills through an award burst', () => {
  // 300 awards and a kill every second: on a quiet machine 100 awards were done before a third kill could land.
  it('LOY-7, ALL-2: 300 awards with 3+ workers killed mid-burst: one lot, ledger entry, notice and email each', async () => {
    const run = await runNpmScript('drill:worker-kills', ['--accounts', '300', '--kills', '3', '--every', '1', '--timeout-min', '3'], {
      env: { WORKFLOW_BUNDLE: inject('workflowBundlePath') },
      timeoutMs: 230_000,
    });
    expect(run.code, tail(run)).toBe(0);
    expect(run.stdout).toContain('=== drill:worker-kills ===');
    expect(figures(run.stdout, 'kills_during_burst=').kills_during_burst).toBeGreaterThanOrEqual(3);
    expect(figures(run.stdout, 'lots=')).toMatchObject({ lots: 300, ledger_entries: 300, sent_notices: 300, award_emails: 300 });
    expect(figures(run.stdout, 'lost=')).toEqual({ lost: 0, duplicates: 0 });
    expect(run.stdout).toContain('OK: nothing lost, nothing twice');
  }, 240_000);
});
