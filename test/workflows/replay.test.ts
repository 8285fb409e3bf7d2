import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { firstAwardDate, nextAwardDateAfter } from '../../domain/calendar';
import { nextRetierDateAfter } from '../../domain/loyalty';
import { publishTermsUpdate, recordBookingsUpdate, replaceCaptainUpdate } from '../../workflows/definitions';
import { loyaltyHarness, type LoyaltyHarness } from '../helpers/loyaltyHarness';

// Determinism: today's workflow code must replay the histories of workflows already running in production.
// test/histories/ keeps histories recorded from released versions; a change that would break a running
// account (without patching) fails here. RECORD_HISTORIES=1 adds recordings of fresh runs, named by
// RELEASE: recordings of earlier releases are never overwritten, so every old code path stays replayed.
const historiesDir = join(__dirname, '..', 'histories');
/** The release whose histories RECORD_HISTORIES=1 records; bump it with each change to a workflow. */
const RELEASE = 'award-local-activity';
type History = temporal.api.history.v1.IHistory;
const { History: HistoryMessage } = temporal.api.history.v1;

// Stored as protobuf JSON (bytes base64, 64-bit numbers as strings), read back with the same message type.
const toJson = (history: History) => JSON.stringify(HistoryMessage.toObject(HistoryMessage.fromObject(history), { longs: String, bytes: String, enums: String }));
const fromJson = (text: string) => HistoryMessage.fromObject(JSON.parse(text));

async function replay(histories: { workflowId: string; history: History }[]) {
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

describe('determinism: replaying loyalty account histories', () => {
  let h: LoyaltyHarness;
  const fresh: { name: string; workflowId: string; history: History }[] = [];

  beforeAll(async () => {
    h = await loyaltyHarness();
    // A busy account-year: enrollment, an award, bookings, a new captain, new terms, the August re-tier,
    // awards withheld, and continue-as-new after the July award.
    const busy = await h.enrolled();
    const first = firstAwardDate(busy.acceptedOn);
    await h.skipTo(first);
    await busy.handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: 2026, directUsd: 9_000_000, indirectUsd: 0 }] });
    await busy.handle.executeUpdate(replaceCaptainUpdate, { args: [{ name: 'Sam Park', email: 'sam@example.com', ccoId: 'spark' }] });
    const firstRun = (await busy.handle.describe()).runId;
    await h.skipTo(nextAwardDateAfter(first));
    await busy.handle.executeUpdate(publishTermsUpdate, { args: [{ version: 'T2' }] });
    await h.skipTo(nextAwardDateAfter(nextRetierDateAfter(first)));
    fresh.push({ name: 'loyalty-busy-year', workflowId: busy.handle.workflowId, history: await h.env.client.workflow.getHandle(busy.handle.workflowId, firstRun).fetchHistory() });
    fresh.push({ name: 'loyalty-busy-next-year', workflowId: busy.handle.workflowId, history: await busy.handle.fetchHistory() });
    // A nomination that lapses after its reminders.
    const lapsing = await h.nominate();
    await lapsing.handle.result();
    fresh.push({ name: 'loyalty-lapsed', workflowId: lapsing.handle.workflowId, history: await lapsing.handle.fetchHistory() });
  });
  afterAll(async () => h?.close());

  it('replays the histories just recorded from the current code', async () => {
    expect(fresh.map((f) => f.history.events?.length ?? 0).every((n) => n > 10)).toBe(true);
    expect(await replay(fresh)).toEqual([]);
    if (process.env.RECORD_HISTORIES === '1') {
      for (const f of fresh) {
        const file = join(historiesDir, `${f.name}.${RELEASE}.json`);
        if (existsSync(file)) throw new Error(`${file} exists: bump RELEASE rather than overwrite a recorded release`);
        writeFileSync(file, toJson(f.history));
      }
    }
  });

  it('replays every recorded history of released versions in test/histories', async () => {
    const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const recorded = files.map((file) => ({ workflowId: file, history: fromJson(readFileSync(join(historiesDir, file), 'utf8')) }));
    expect(await replay(recorded)).toEqual([]);
  });
});
