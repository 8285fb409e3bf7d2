// Runs the time-skipping suites whose dates derive from their start (those whose harness names no
// `startOn`) once from each of several start days (TEST_START_DATE), so a rule that holds only on some
// days of the year fails here rather than on the day somebody next runs `npm test`.
//
//   npm run test:dates                       the days CI runs (a December day, 29 February, 31 July, 31 August)
//   npm run test:dates -- 2027-03-31 …       the days named
//   npm run test:dates -- --months 2027      the last day of each month of 2027 (the whole year, month ends clamp)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { daysInMonth, isIsoDate, type IsoDate } from '../domain/calendar';

/** The days CI starts from: one in December, 29 February of a leap year, 31 July and 31 August. */
export const CI_START_DATES: readonly IsoDate[] = ['2026-12-15', '2028-02-29', '2027-07-31', '2027-08-31'];

const root = resolve(__dirname, '..');
const suitesDir = join(root, 'test', 'workflows');

/** The suites that take their start from TEST_START_DATE: every workflow suite whose harness names no day. */
export function startDerivedSuites(): string[] {
  return readdirSync(suitesDir)
    .filter((f) => f.endsWith('.test.ts'))
    .filter((f) => !/startOn:/.test(readFileSync(join(suitesDir, f), 'utf8')))
    .map((f) => join('test', 'workflows', f))
    .sort();
}

function startDates(args: string[]): IsoDate[] {
  if (args.length === 0) return [...CI_START_DATES];
  if (args[0] === '--months') {
    const year = Number(args[1]);
    if (!Number.isInteger(year)) throw new Error('--months needs a year, e.g. --months 2027');
    return Array.from(
      { length: 12 },
      (_, i) => `${year}-${String(i + 1).padStart(2, '0')}-${String(daysInMonth(year, i + 1)).padStart(2, '0')}`,
    );
  }
  for (const d of args) if (!isIsoDate(d)) throw new Error(`not a date (YYYY-MM-DD): ${d}`);
  return args;
}

function main() {
  const dates = startDates(process.argv.slice(2));
  const suites = startDerivedSuites();
  const failed: IsoDate[] = [];
  for (const date of dates) {
    console.log(`\n=== the start-derived suites from TEST_START_DATE=${date} (${suites.length} files)`);
    const run = spawnSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', ...suites], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TEST_START_DATE: date },
    });
    if (run.status !== 0) failed.push(date);
  }
  console.log(`\nstart dates: ${dates.join(', ')}; failed from: ${failed.length ? failed.join(', ') : 'none'}`);
  if (failed.length) process.exit(1);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
