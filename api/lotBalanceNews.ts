import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { tellLots } from '../activities/redemptionLedger';

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
