// LOY-11: a fiscal year's tier table may be published or corrected during its Q1 (the API refuses a change
// after it). Every account whose tier for that year came from the earlier table is re-tiered from the new
// one before its next award, whichever quarter that is, and the Team Captain told why if the tier changed.
import { fiscalQuarterOf, fiscalYearOf } from '../domain/calendar';
import { retierDateOf } from '../domain/loyalty';
import { setTier, tierDecision } from './loyaltyBookings';
import type { LoyaltyAccount } from './loyaltyState';
import { acts, locals } from './shared';

/**
 * Before each award: the table in force for the award's fiscal year, read in the award's workflow task (a
 * local activity: no extra round trip per award). A tier decided from another table or another version of
 * it is decided again from this one.
 */
export async function retierFromNewerTable(a: LoyaltyAccount): Promise<void> {
  const { s } = a;
  const due = s.nextAwardDate!;
  const fy = fiscalYearOf(due);
  const source = s.tierSource;
  // A run started before LOY-11 was amended does not know its tier's table: as it did, it checks in Q1 only.
  if (source === undefined) {
    if (fiscalQuarterOf(due).q === 1) await retierFromQ1Table(a);
    return;
  }
  // No tier to correct (it waits for bookings), or the tier is another year's.
  if (source === null || source.fy !== fy) return;
  const table = await locals.tierTableFor(fy);
  if (table.fiscalYear === source.tableYear && (table.version ?? 0) === source.version) return;
  const previous = { tier: s.tier, quarterlyCredits: s.quarterlyCredits };
  const decision = tierDecision(s.bookings, retierDateOf(fy, a.input.settings.retierDay), table);
  setTier(a, fy, table, decision);
  if (decision.tier === previous.tier && decision.quarterlyCredits === previous.quarterlyCredits) return;
  // "published" when the year had no table of its own before, "corrected" when its own was replaced.
  const correction = { previous, firstOwnTable: source.tableYear !== fy, tableVersion: table.version, nextAwardDate: due };
  await acts.sendNotice(await acts.recordTierCorrection({ ...a.party(), fy, ...decision, ...correction }));
  a.publish();
}

/**
 * LOY-11 as first released: at the October (Q1) award only, the tier decided again from the table then in
 * force and the captain told if it changed. Kept for runs recorded with it (patched 'loyalty-q1-table-recheck').
 */
export async function retierFromQ1Table(a: LoyaltyAccount): Promise<void> {
  const { s } = a;
  const fy = fiscalYearOf(s.nextAwardDate!);
  const table = await acts.tierTableFor(fy);
  const decision = tierDecision(s.bookings, retierDateOf(fy, a.input.settings.retierDay), table);
  const previous = { tier: s.tier, quarterlyCredits: s.quarterlyCredits };
  setTier(a, fy, table, decision);
  if (decision.tier === previous.tier && decision.quarterlyCredits === previous.quarterlyCredits) return;
  await acts.sendNotice(await acts.recordTierCorrection({ ...a.party(), fy, ...decision, previous, nextAwardDate: s.nextAwardDate }));
  a.publish();
}
