// The program calendar (CAL-1 … CAL-4). Dates are ISO `YYYY-MM-DD` strings, computed in UTC with
// integer arithmetic: pure, so workflows can use them inside their deterministic sandbox.

export type IsoDate = string;
export type Quarter = 1 | 2 | 3 | 4;
export interface FiscalQuarter {
  fy: number;
  q: Quarter;
}

const DAY_MS = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Ymd {
  y: number;
  m: number; // 1..12
  d: number;
}

function parts(date: IsoDate): Ymd {
  const match = ISO.exec(date);
  if (!match) throw new RangeError(`not an ISO date: ${date}`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const format = ({ y, m, d }: Ymd): IsoDate => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
/** Milliseconds of a UTC date. Not `Date.UTC`, which reads years 0–99 as 1900–1999. */
function utcMs(y: number, monthIndex: number, d: number): number {
  const at = new Date(0);
  at.setUTCFullYear(y, monthIndex, d);
  return at.getTime();
}
const toEpochDay = (date: IsoDate) => {
  const { y, m, d } = parts(date);
  return utcMs(y, m - 1, d) / DAY_MS;
};
/** The day as `YYYY-MM-DD`; a day outside years 0000–9999 has no such name, so it is an error, not a misread string. */
function fromEpochDay(day: number): IsoDate {
  const at = new Date(day * DAY_MS);
  const y = at.getUTCFullYear();
  if (!(y >= 0 && y <= 9999)) throw new RangeError(`day ${day} is outside 0000-01-01 … 9999-12-31`);
  return format({ y, m: at.getUTCMonth() + 1, d: at.getUTCDate() });
}

export const daysInMonth = (y: number, m: number) => new Date(utcMs(y, m, 0)).getUTCDate();

export function isIsoDate(s: string): boolean {
  const match = ISO.exec(s);
  if (!match) return false;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Plain calendar arithmetic (CAL-4). */
export const addDays = (date: IsoDate, n: number): IsoDate => fromEpochDay(toEpochDay(date) + n);

/** Months added, clamped to the end of the month: 2026-08-31 plus six months is 2027-02-28 (CAL-4). */
export function addMonths(date: IsoDate, n: number): IsoDate {
  const { y, m, d } = parts(date);
  const index = y * 12 + (m - 1) + n;
  const ny = Math.floor(index / 12);
  const nm = index - ny * 12 + 1;
  return format({ y: ny, m: nm, d: Math.min(d, daysInMonth(ny, nm)) });
}

/** Years added, clamped: 2028-02-29 plus a year is 2029-02-28 (CAL-4). */
export const addYears = (date: IsoDate, n: number): IsoDate => addMonths(date, 12 * n);

/** b − a, in days. */
export const daysBetween = (a: IsoDate, b: IsoDate): number => toEpochDay(b) - toEpochDay(a);

// ISO strings of four-digit years sort as dates do.
export const compareDates = (a: IsoDate, b: IsoDate): -1 | 0 | 1 => (a < b ? -1 : a > b ? 1 : 0);
export const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a <= b ? a : b);
export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a >= b ? a : b);

/** CAL-1: the fiscal year runs 1 August – 31 July and is named by the year it ends in. */
export function fiscalYearOf(date: IsoDate): number {
  const { y, m } = parts(date);
  return m >= 8 ? y + 1 : y;
}

export const fiscalYearStart = (fy: number): IsoDate => `${pad(fy - 1, 4)}-08-01`;
export const fiscalYearEnd = (fy: number): IsoDate => `${pad(fy, 4)}-07-31`;

/** CAL-2: Q1 Aug–Oct, Q2 Nov–Jan, Q3 Feb–Apr, Q4 May–Jul. */
export function fiscalQuarterOf(date: IsoDate): FiscalQuarter {
  const { m } = parts(date);
  const monthOfFy = (m + 12 - 8) % 12; // August is 0
  return { fy: fiscalYearOf(date), q: (Math.floor(monthOfFy / 3) + 1) as Quarter };
}

export const nextQuarter = ({ fy, q }: FiscalQuarter): FiscalQuarter => (q === 4 ? { fy: fy + 1, q: 1 } : { fy, q: (q + 1) as Quarter });

/** CAL-2, CAL-3: the award day in the quarter's third month (Oct, Jan, Apr, Jul), clamped to the month's end. */
export function awardDateOf(fy: number, q: Quarter, awardDay = 15): IsoDate {
  if (!Number.isInteger(awardDay) || awardDay < 1 || awardDay > 31) throw new RangeError(`award day must be 1..31, not ${awardDay}`);
  const monthOfFy = (q - 1) * 3 + 2; // 0 = August
  const m = ((7 + monthOfFy) % 12) + 1;
  const y = m >= 8 ? fy - 1 : fy;
  return format({ y, m, d: Math.min(awardDay, daysInMonth(y, m)) });
}

/** LOY-4: first awards land in the award month of the quarter after the quarter of acceptance. */
export const firstAwardDate = (acceptedOn: IsoDate, awardDay = 15): IsoDate => {
  const next = nextQuarter(fiscalQuarterOf(acceptedOn));
  return awardDateOf(next.fy, next.q, awardDay);
};

/** The first award date strictly after `date`. */
export function nextAwardDateAfter(date: IsoDate, awardDay = 15): IsoDate {
  const current = fiscalQuarterOf(date);
  const thisQuarters = awardDateOf(current.fy, current.q, awardDay);
  if (thisQuarters > date) return thisQuarters;
  const next = nextQuarter(current);
  return awardDateOf(next.fy, next.q, awardDay);
}

/** The n fiscal years before the one `asOf` falls in, oldest first (LOY-1: the prior three years). */
export function priorFiscalYears(asOf: IsoDate, n = 3): number[] {
  const fy = fiscalYearOf(asOf);
  return Array.from({ length: n }, (_, i) => fy - n + i);
}
