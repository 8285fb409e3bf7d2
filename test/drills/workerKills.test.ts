import { describe, expect, inject, it } from 'vitest';
import { workerKillsDrill } from '../../drills/workerKills';

// LOY-7, ALL-2 under fire: the short version of `npm run drill:worker-kills` (README "Fault drills"):
// worker processes killed with SIGKILL through an award burst; each account still gets one of each.
describe('drill: worker kills through an award burst', () => {
  it('LOY-7, ALL-2: 100 awards with 3+ workers killed mid-burst: one lot, ledger entry, notice and email each', async () => {
    const r = await workerKillsDrill({
      accounts: 100,
      kills: 3,
      everySeconds: 2,
      workers: 2,
      timeoutMinutes: 1.5,
      bundlePath: inject('workflowBundlePath'),
    });
    expect(r.killsInBurst).toBeGreaterThanOrEqual(3);
    expect(r.figures.lots).toEqual({ missing: 0, doubled: 0, total: 100 });
    expect(r.figures.ledger).toEqual({ missing: 0, doubled: 0, total: 100 });
    expect(r.figures.sentNotices).toEqual({ missing: 0, doubled: 0, total: 100 });
    expect(r.figures.mail).toMatchObject({ notices: 100, distinctEmails: 100, keysWithTwoEmails: 0 });
    expect(r.findings).toEqual([]);
  }, 170_000);
});
