import { isIsoDate, type IsoDate } from '../../domain/calendar';

/**
 * The day a time-skipping suite whose dates derive from its start begins on: `TEST_START_DATE`
 * (`YYYY-MM-DD`), else today in UTC. CI runs those suites again from several named days
 * (`npm run test:dates`), so a rule that holds only on some days of the year fails there, not on the
 * day someone next runs the suite. Suites whose dates are written out name their own start instead
 * (`workflowHarness({ startOn })`), and run the same from any day.
 */
export function suiteStartDate(): IsoDate {
  const named = process.env.TEST_START_DATE;
  if (named === undefined || named === '') return new Date().toISOString().slice(0, 10);
  if (!isIsoDate(named)) throw new Error(`TEST_START_DATE must be a date (YYYY-MM-DD), not ${JSON.stringify(named)}`);
  return named;
}
