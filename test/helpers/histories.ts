// Recorded workflow histories, for the determinism suite of every lifecycle: today's workflow code must
// replay what runs recorded under each tagged release (test/histories/<name>.<release>.json).
// RECORD_HISTORIES=1 adds recordings of fresh runs under RELEASE, never overwriting one, so every released
// code path stays replayed.
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';

export type History = temporal.api.history.v1.IHistory;

/** The latest tagged release (git tag); RECORD_HISTORIES=1 records under it. Bump it with each new tag. */
export const RELEASE = 'v0.1.0';
const { History: HistoryMessage } = temporal.api.history.v1;
const historiesDir = join(__dirname, '..', 'histories');

// Stored as protobuf JSON (bytes base64, 64-bit numbers as strings), read back with the same message type.
const toJson = (history: History) =>
  JSON.stringify(HistoryMessage.toObject(HistoryMessage.fromObject(history), { longs: String, bytes: String, enums: String }));
const fromJson = (text: string) => HistoryMessage.fromObject(JSON.parse(text));

/** Replays `histories` on the workflow bundle under test; each failure as `<id>: <what no longer matches>`. */
export async function replay(histories: { workflowId: string; history: History }[]): Promise<string[]> {
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

/** The recorded histories whose file names start with `prefix` (all of them for ''), named by file. */
export function recordedHistories(prefix = ''): { workflowId: string; history: History }[] {
  return readdirSync(historiesDir)
    .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
    .map((file) => ({ workflowId: file, history: fromJson(readFileSync(join(historiesDir, file), 'utf8')) }));
}

/** With RECORD_HISTORIES=1, stores each fresh run as `<name>.<release>.json`; a recorded release is never overwritten. */
export function recordIfAsked(fresh: { name: string; history: History }[], release: string): void {
  if (process.env.RECORD_HISTORIES !== '1') return;
  for (const f of fresh) {
    const file = join(historiesDir, `${f.name}.${release}.json`);
    if (existsSync(file)) throw new Error(`${file} exists: name a new release rather than overwrite a recorded one`);
    writeFileSync(file, toJson(f.history));
  }
}

/**
 * The two tests of a lifecycle's determinism suite: the fresh runs of today's code replay (and are recorded
 * under RELEASE when asked), and so does every history recorded under `prefix` by tagged releases.
 */
export function itReplays(
  fresh: { name: string; workflowId?: string; history: History }[],
  opts: { prefix: string; atLeast: number; recorded: string },
): void {
  it('replays fresh runs of the current code', async () => {
    expect(fresh.every((f) => (f.history.events?.length ?? 0) > 5)).toBe(true);
    expect(await replay(fresh.map((f) => ({ workflowId: f.workflowId ?? f.name, history: f.history })))).toEqual([]);
    recordIfAsked(fresh, RELEASE);
  });

  it(`replays the ${opts.recorded} recorded from tagged releases`, async () => {
    const recorded = recordedHistories(opts.prefix);
    expect(recorded.length).toBeGreaterThanOrEqual(opts.atLeast);
    expect(await replay(recorded)).toEqual([]);
  });
}
