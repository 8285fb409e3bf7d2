// Recorded workflow histories, for the determinism suite of every lifecycle: today's workflow code must
// replay what runs recorded under each release (test/histories/<name>.<release>.json). The releases are
// recorded in releases.json (version, commit, date, the histories recorded from it); this module is the one
// place that reads it. RECORD_HISTORIES=1 adds recordings of fresh runs under RELEASE, never overwriting one,
// so every released code path stays replayed.
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { z } from 'zod';

export type History = temporal.api.history.v1.IHistory;

const repoRoot = join(__dirname, '..', '..');
const releasesFile = join(repoRoot, 'releases.json');
const VERSION = /^v(\d+)\.(\d+)\.(\d+)$/;
const releasesSchema = z.object({
  releases: z
    .array(
      z.object({
        version: z.string().regex(VERSION),
        commit: z.string().regex(/^[0-9a-f]{40}$/),
        date: z.iso.date(),
        histories: z.array(z.string().min(1)),
      }),
    )
    .min(1),
});
/** Every release, oldest first, as releases.json records it. */
export const RELEASES = releasesSchema.parse(JSON.parse(readFileSync(releasesFile, 'utf8'))).releases;
/** The latest release (the last in releases.json); RECORD_HISTORIES=1 records under it. */
export const RELEASE = RELEASES[RELEASES.length - 1]!.version;

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
  if (!RELEASES.some((r) => r.version === release)) throw new Error(`record ${release} in releases.json before recording under it`);
  for (const f of fresh) {
    const file = join(historiesDir, `${f.name}.${release}.json`);
    if (existsSync(file)) throw new Error(`${file} exists: name a new release rather than overwrite a recorded one`);
    writeFileSync(file, toJson(f.history));
  }
}

/**
 * The tests of a lifecycle's determinism suite: the fresh runs of today's code replay (and are recorded under
 * RELEASE when asked), so does every history recorded under `prefix` by a release, and releases.json and
 * those histories agree.
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

  it(`replays the ${opts.recorded} recorded from releases`, async () => {
    const recorded = recordedHistories(opts.prefix);
    expect(recorded.length).toBeGreaterThanOrEqual(opts.atLeast);
    expect(await replay(recorded)).toEqual([]);
  });

  it(`records each release in releases.json with its ${opts.recorded}, and every such history under a recorded release`, () => {
    expect(releaseRecordProblems(opts.prefix)).toEqual([]);
  });
}

const compareVersions = (a: string, b: string) => {
  const [x, y] = [VERSION.exec(a)!.slice(1).map(Number), VERSION.exec(b)!.slice(1).map(Number)];
  return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
};

/** Whether git knows `commit` here; undefined when it cannot tell (no git, or a shallow clone). */
function commitKnown(commit: string): boolean | undefined {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  try {
    if (git('rev-parse', '--is-shallow-repository') === 'true') return undefined;
  } catch {
    return undefined;
  }
  try {
    git('cat-file', '-e', `${commit}^{commit}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * What is wrong between releases.json and the histories of one lifecycle (files starting with `prefix`), each
 * a sentence naming the release or file: releases out of order, a release with none of this lifecycle's
 * histories or naming one that is not on disk, a commit git does not have, a history file of a release not
 * recorded or not listed under its release.
 */
export function releaseRecordProblems(prefix: string): string[] {
  const problems: string[] = [];
  RELEASES.forEach((r, i) => {
    const before = RELEASES[i - 1];
    if (before && (compareVersions(before.version, r.version) >= 0 || before.date > r.date))
      problems.push(`releases.json: ${r.version} (${r.date}) follows ${before.version} (${before.date}); list releases oldest first`);
    if (commitKnown(r.commit) === false) problems.push(`releases.json: ${r.version}'s commit ${r.commit} is not in this repository`);
    const own = r.histories.filter((name) => name.startsWith(prefix));
    if (own.length === 0) problems.push(`releases.json: ${r.version} has no ${prefix}* histories recorded from it`);
    for (const name of own)
      if (!existsSync(join(historiesDir, `${name}.${r.version}.json`)))
        problems.push(`releases.json: ${r.version} lists ${name}, but test/histories/${name}.${r.version}.json is missing`);
  });
  for (const file of readdirSync(historiesDir).filter((f) => f.startsWith(prefix) && f.endsWith('.json'))) {
    const [, name, version] = /^(.+)\.(v\d+\.\d+\.\d+)\.json$/.exec(file) ?? [];
    const release = RELEASES.find((r) => r.version === version);
    if (!name || !version) problems.push(`test/histories/${file} names no release (<name>.<version>.json)`);
    else if (!release) problems.push(`test/histories/${file} names ${version}, which releases.json does not record`);
    else if (!release.histories.includes(name))
      problems.push(`test/histories/${file}: releases.json does not list ${name} under ${version}`);
  }
  return problems;
}
