import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SAMPLE_CATALOGUE } from '../../domain/incentives';
import { goalMet, mergeReadings, newestPerMetric, phaseComplete, phaseDeadline, type Reading } from '../../domain/incentives';

describe('Lifecycle Incentive rules (LCI-1, LCI-2)', () => {
  it('LCI-1: the sample catalogue has two technologies, each use case with ordered phases, goals and payments', () => {
    expect(new Set(SAMPLE_CATALOGUE.map((u) => u.technology)).size).toBe(2);
    for (const u of SAMPLE_CATALOGUE) {
      expect(u.phases.map((p) => p.name)).toEqual(['Onboard', 'Implement', 'Use', 'Adopt', 'Optimize']);
      for (const p of u.phases) expect(p.goals.length).toBeGreaterThan(0);
    }
  });

  it('LCI-2: a goal is met on its comparison; a hair short is not', () => {
    const goal = { metric: 'devices_reporting_pct', comparison: '>=' as const, threshold: 80 };
    expect(goalMet(goal, 80)).toBe(true);
    expect(goalMet(goal, 79.99)).toBe(false);
    expect(goalMet(goal, undefined)).toBe(false);
    expect(goalMet({ ...goal, comparison: '<' }, 79.99)).toBe(true);
    expect(goalMet({ ...goal, comparison: '==' }, 80)).toBe(true);
  });

  it('LCI-2: the newest reading of each metric wins, whatever the order or repeats of arrival', () => {
    const reading = fc.record({
      metric: fc.constantFrom('a', 'b', 'c'),
      value: fc.double({ noNaN: true }),
      measuredAt: fc.integer({ min: 0, max: 1e6 }).map((n) => new Date(1.7e12 + n * 1000).toISOString()),
    });
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 30 }), (readings: Reading[]) => {
        const shuffled = [...readings].reverse();
        const once = mergeReadings({}, readings);
        const twice = mergeReadings(mergeReadings({}, shuffled), readings);
        for (const metric of ['a', 'b', 'c']) {
          const newest = readings
            .filter((r) => r.metric === metric)
            .reduce<string | undefined>((m, r) => (!m || r.measuredAt > m ? r.measuredAt : m), undefined);
          expect(once[metric]?.measuredAt).toBe(newest);
          expect(twice[metric]?.measuredAt).toBe(newest);
        }
      }),
    );
  });

  it('LCI-2: an engagement told only the newest reading of each metric of a batch ends where the whole batch would take it', () => {
    const reading = fc.record({
      metric: fc.constantFrom('a', 'b'),
      value: fc.integer(),
      measuredAt: fc.integer({ min: 0, max: 20 }).map((n) => new Date(1.7e12 + n * 1000).toISOString()),
    });
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 10 }), fc.array(reading, { maxLength: 30 }), (before: Reading[], batch: Reading[]) => {
        const latest = mergeReadings({}, before);
        expect(mergeReadings(latest, newestPerMetric(batch))).toEqual(mergeReadings(latest, batch));
      }),
    );
  });

  it('LCI-2: a phase is complete only when every goal is met; a phase has 12 months', () => {
    const phase = SAMPLE_CATALOGUE[0]!.phases[0]!;
    const at = '2027-01-01T00:00:00Z';
    expect(phaseComplete(phase, mergeReadings({}, [{ metric: 'devices_reporting_pct', value: 90, measuredAt: at }]))).toBe(false);
    expect(
      phaseComplete(
        phase,
        mergeReadings({}, [
          { metric: 'devices_reporting_pct', value: 90, measuredAt: at },
          { metric: 'active_users_pct', value: 10, measuredAt: at },
        ]),
      ),
    ).toBe(true);
    expect(phaseDeadline('2027-02-28')).toBe('2028-02-28');
  });
});
