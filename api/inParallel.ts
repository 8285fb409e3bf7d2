/**
 * Runs `fn` over `items` with at most `limit` calls in flight and waits for all of them, so one slow call
 * never holds up the rest and a big batch never floods the server it talks to. Failures are collected,
 * not thrown: the caller decides what a partial failure means.
 */
export async function settleInParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<unknown>,
): Promise<{ item: T; error: unknown }[]> {
  const failures: { item: T; error: unknown }[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item).catch((error: unknown) => failures.push({ item, error }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return failures;
}
