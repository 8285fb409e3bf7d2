// LOY-11: when a fiscal year's tier table may be published or corrected. Pure: used by the API.
import { fiscalYearStart, type IsoDate } from './calendar';

/** The last day of fiscal year `fy`'s Q1 (31 October of the year it starts in): its table's review window ends then. */
export const tierTableWindowCloses = (fy: number): IsoDate => `${String(fy - 1).padStart(4, '0')}-10-31`;

/**
 * LOY-11: a table may be published ahead of its year (it applies from its year) and published or corrected
 * during its Q1, that day included; after its Q1 (a year already past included) it is refused, in words
 * that name the window. Null when the change is allowed on `today`.
 */
export function tierTableChangeProblem(fy: number, today: IsoDate): string | null {
  const closes = tierTableWindowCloses(fy);
  if (today <= closes) return null;
  return `FY${fy}'s table may be published or corrected until ${closes}, the end of its Q1 (${fiscalYearStart(fy)} to ${closes})`;
}
