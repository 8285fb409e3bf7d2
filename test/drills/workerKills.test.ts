import { describe, expect, inject, it } from 'vitest';
import { workerKillsDrill } from '../../drills/workerKills';

// LOY-7, ALL-2 under fire: the short version of `npm run drill:worker-kills` (README "Fault drills"):
// worker processes killed with SIGKILL through an award burst; each account still gets one of each.
describe('drill: worker kills through an award burst', () => {
  // 300 awards and a kill every second: on a quiet machine 100 awards were done before a third kill could land.
  it('LOY-7, ALL-2: 300 awards with 3+ workers killed mid-burst: one lot, ledger entry, notice and email each', async () => {
    const r = await workerKillsDrill({
      accounts: 300,
      kills: 3,
      everySeconds: 1,
      workers: 2,
      timeoutMinutes: 3,
      bundlePath: inject('workflowBundlePath'),
    });
    expect(r.killsInBurst).toBeGreaterThanOrEqual(3);
    expect(r.figures.lots).toEqual({ missing: 0, doubled: 0, total: 300 });
    expect(r.figures.ledger).toEqual({ missing: 0, doubled: 0, total: 300 });
    expect(r.figures.sentNotices).toEqual({ missing: 0, doubled: 0, total: 300 });
    expect(r.figures.mail).toMatchObject({ notices: 300, distinctEmails: 300, keysWithTwoEmails: 0 });
    expect(r.findings).toEqual([]);
  }, 240_000);
});
