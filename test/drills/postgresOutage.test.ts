import { describe, expect, inject, it } from 'vitest';
import { figures, positive, runNpmScript, tail } from '../helpers/npmScript';

// ALL-2 under fire: the short version of `npm run drill:postgres-outage` (README "Fault drills"), run as that
// npm script: Postgres stopped for 10 s under API and award load, then started again. The drill exits
// non-zero on any answer but 2xx or 503 + Retry-After, a hang, a loss or a duplicate; its figures say what it saw.
describe('drill: Postgres stopped under API and award load', () => {
  it('ALL-2: the API refuses with 503 + Retry-After or waits, never 500; afterwards every award and purchase is there once', async () => {
    const flags = ['--accounts', '30', '--down', '10', '--lead', '3', '--tail', '5', '--clients', '4', '--request-timeout', '30'];
    const run = await runNpmScript('drill:postgres-outage', [...flags, '--timeout-min', '1.5'], {
      env: { WORKFLOW_BUNDLE: inject('workflowBundlePath') },
      timeoutMs: 160_000,
    });
    expect(run.code, tail(run)).toBe(0);
    expect(run.stdout).toContain('=== drill:postgres-outage ===');
    const api = figures(run.stdout, 'api:');
    positive(api, 'during_outage');
    // The drill prints each error the API logged (a 500 names its request there): none.
    expect(run.stdout.split('\n').filter((l) => l.startsWith('api error:'))).toEqual([]);
    expect(api).toMatchObject({ other_5xx: 0, '4xx': 0, unanswered: 0 });
    expect(run.stdout).toContain('(without Retry-After 0)');
    positive(api, 'first_ok_after_restart_s');
    expect(figures(run.stdout, 'purchases:')).toMatchObject({ created_but_missing: 0, doubled: 0 });
    expect(figures(run.stdout, 'awards:')).toMatchObject({ lots: 30, ledger_entries: 30, sent_notices: 30, emails: 30 });
    expect(figures(run.stdout, 'lost=')).toEqual({ lost: 0, duplicates: 0 });
    expect(run.stdout).toContain('OK: 503 with Retry-After while down, nothing lost, nothing twice');
  }, 170_000);
});
