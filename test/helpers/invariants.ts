// Invariant (property) tests: fast-check draws histories of actions; the invariants are checked at the start
// and after every action, and a failure names the history that led to it.
import fc from 'fast-check';
import type { WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/workflow';

/** A workflow's state: its query while it runs, its result once closed. */
export async function stateOf<S>(handle: WorkflowHandle, query: QueryDefinition<S>): Promise<{ running: boolean; s: S }> {
  const running = (await handle.describe()).status.name === 'RUNNING';
  return { running, s: running ? await handle.query(query) : ((await handle.result()) as S) };
}

interface Subject<A> {
  apply(action: A): Promise<void>;
}

/**
 * Runs each drawn history on a fresh subject. A fixed seed and few runs, so CI replays the same histories
 * (a failure shrinks to a short counterexample; another seed explores further).
 */
export async function invariantsHold<H extends { actions: readonly A[] }, A, S extends Subject<A>>(
  histories: fc.Arbitrary<H>,
  run: {
    today: () => Promise<string>;
    /** A fresh subject, and the words that start its history. */
    start: (history: H) => Promise<{ subject: S; story: string[] }>;
    check: (subject: S, history: string) => Promise<void>;
  },
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(histories, async (drawn) => {
      const { subject, story } = await run.start(drawn);
      await run.check(subject, story.join(' → '));
      for (const a of drawn.actions) {
        await subject.apply(a);
        story.push(`${await run.today()} ${JSON.stringify(a)}`);
        await run.check(subject, story.join(' → '));
      }
    }),
    { seed: 42, numRuns: 8 },
  );
}

/** ALL-2: the Message-IDs a mail server received more than once (an email sent twice), with their counts. */
export function receivedTwice(received: readonly { messageId: string }[]): [string, number][] {
  const byMessageId = new Map<string, number>();
  for (const m of received) byMessageId.set(m.messageId, (byMessageId.get(m.messageId) ?? 0) + 1);
  return [...byMessageId].filter(([, n]) => n > 1);
}
