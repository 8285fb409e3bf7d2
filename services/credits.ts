import type { Knex } from 'knex';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { balancesOf } from '../db/credits';
import { balanceChangedSignal, creditLotWorkflowId } from '../workflows/creditsDefinitions';

// The lots' balance news: each lot workflow keeps its Balance search attribute current from the
// balances the ledger writes leave (after awards, expiry, redemptions: services/creditsRedemptions.ts).

/**
 * Keeps each lot's Balance search attribute current: its balance read after the ledger write committed,
 * signalled to the lot's workflow. A lot without a running workflow (closed, or written directly in SQL)
 * needs no news.
 */
export async function tellLots(temporal: Client, db: Knex, lotIds: string[]): Promise<Map<string, number>> {
  const balances = await balancesOf(db, lotIds);
  await Promise.all(
    [...balances].map(([lotId, balance]) =>
      temporal.workflow
        .getHandle(creditLotWorkflowId(lotId))
        .signal(balanceChangedSignal, balance)
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }),
    ),
  );
  return balances;
}

/**
 * Keeps the lots' Balance search attribute in step with the ledger without a signal per redemption: the
 * lots a request touched are collected for `delayMs`, then each hears its balance once, read after the
 * last of those writes committed. Under load a busy lot gets one signal (and one workflow task) per
 * interval instead of one per request. A lot whose news is lost in a crash reads its balance itself at
 * its next reminder.
 */
export function lotBalanceNews(temporal: Client, db: Knex, delayMs = 500) {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  function flush() {
    timer = undefined;
    const lotIds = [...pending];
    pending = new Set();
    void tellLots(temporal, db, lotIds).catch(() => undefined);
  }

  return {
    tell(lotIds: Iterable<string>) {
      for (const id of lotIds) pending.add(id);
      timer ??= setTimeout(flush, delayMs).unref();
    },
  };
}

export type LotBalanceNews = ReturnType<typeof lotBalanceNews>;
