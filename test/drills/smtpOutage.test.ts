import { describe, expect, inject, it } from 'vitest';
import { figures, runNpmScript, tail } from '../helpers/npmScript';

// LOY-7, ALL-2 under fire: the short version of `npm run drill:smtp-outage` (README "Fault drills"), run as
// that npm script: the mail server down for 5 s while 5 awards happen. The drill exits non-zero unless every
// notice is delivered once after, and none marked sent while no server listened.
describe('drill: the mail server down while awards happen', () => {
  it('LOY-7, ALL-2: 5 awards during a 5 s SMTP outage: recorded meanwhile, each emailed once after', async () => {
    const run = await runNpmScript('drill:smtp-outage', ['--accounts', '5', '--down', '5', '--timeout-min', '1'], {
      env: { WORKFLOW_BUNDLE: inject('workflowBundlePath') },
      timeoutMs: 110_000,
    });
    expect(run.code, tail(run)).toBe(0);
    expect(run.stdout).toContain('=== drill:smtp-outage ===');
    expect(figures(run.stdout, 'accounts=')).toMatchObject({ accounts: 5, marked_sent_while_down: 0 });
    expect(figures(run.stdout, 'lots=')).toMatchObject({ lots: 5, ledger_entries: 5, sent_notices: 5, award_emails: 5 });
    expect(figures(run.stdout, 'lost=')).toEqual({ lost: 0, duplicates: 0 });
    expect(run.stdout).toContain('OK: every notice delivered once after');
  }, 120_000);
});
