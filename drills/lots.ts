// Open Learning Credit lots whose first reminder (90 days before expiry) is due today, as bench/lots.ts
// makes them: rows written in SQL as an award writes them, then each lot's workflow started.
import type { Client } from '@temporalio/client';
import type { Db } from '../db/connect';
import { addDays, addYears } from '../domain/calendar';
import { creditLot } from '../workflows/credits';
import { creditLotWorkflowId, type LotRecord } from '../workflows/creditsDefinitions';
import { mapLimit } from '../bench/lib';
import { today } from './awards';
import { mailFigures, type MailSink } from './sink';

export const REMINDER_NOTICE = /^lot-[^:]+:reminder-/;

/** Awarded 275 days ago: active, expiring in 90 days, so its first reminder is due today. */
export function dueLot(id: string): LotRecord {
  const issuedOn = addDays(addYears(today(), -1), 90);
  return {
    ...{ id, accountId: null, ownerName: 'Drill Owner', ownerEmail: `${id.toLowerCase()}@owner.example`, country: 'US' },
    ...{ source: 'award', credits: 10, issuedOn, activatesOn: issuedOn, expiresOn: addYears(issuedOn, 1), awardQuarter: null },
  };
}

export async function seedLots(db: Db, lots: LotRecord[]): Promise<void> {
  for (let from = 0; from < lots.length; from += 1000) {
    const chunk = lots.slice(from, from + 1000);
    await db.transaction(async (trx) => {
      await trx('credit_lots').insert(
        chunk.map((l) => ({
          ...{ id: l.id, account_id: null, owner_email: l.ownerEmail, owner_name: l.ownerName, country: l.country, source: 'award' },
          ...{ state: 'active', credits: l.credits, issued_on: l.issuedOn, activates_on: l.activatesOn, expires_on: l.expiresOn },
        })),
      );
      await trx('ledger_entries').insert(
        chunk.map((l) => ({
          ...{ lot_id: l.id, kind: 'award', credits: l.credits, actor: 'drill', reason: 'drill award' },
          ...{ idempotency_key: `${l.id}:award`, occurred_on: l.issuedOn },
        })),
      );
    });
  }
}

/** Starts each lot's workflow; returns when each start was accepted (epoch ms, by lot id). */
export async function startLots(client: Client, lots: LotRecord[]): Promise<Map<string, number>> {
  const startedAt = new Map<string, number>();
  await mapLimit(lots, 50, async (lot) => {
    await client.workflow.start(creditLot, { workflowId: creditLotWorkflowId(lot.id), taskQueue: 'cisco-programs', args: [{ lot }] });
    startedAt.set(lot.id, Date.now());
  });
  return startedAt;
}

/** Reminders per lot (recorded, emailed) and each one's lateness after its lot's start. */
export async function reminderFigures(db: Db, sink: MailSink, startedAt: Map<string, number>) {
  const notices: { id: string; created_at: Date; sent_at: Date | null }[] = await db('notifications')
    .where({ kind: 'lot-reminder' })
    .select('id', 'created_at', 'sent_at');
  // A reminder's notice id is `lot-<lot id>:reminder-<date>`.
  const rows = notices.map((n) => ({
    lot_id: n.id.slice('lot-'.length, n.id.indexOf(':')),
    created_at: n.created_at,
    sent: n.sent_at !== null,
  }));
  const perLot = new Map<string, number>();
  for (const r of rows) perLot.set(r.lot_id, (perLot.get(r.lot_id) ?? 0) + 1);
  const ids = [...startedAt.keys()];
  const lateness = rows.map((r) => r.created_at.getTime() - (startedAt.get(r.lot_id) ?? 0)).sort((a, b) => a - b);
  const pct = (p: number) => lateness[Math.min(lateness.length - 1, Math.floor((p / 100) * lateness.length))] ?? 0;
  return {
    lots: ids.length,
    recorded: rows.length,
    unsent: rows.filter((r) => !r.sent).length,
    missing: ids.filter((id) => !perLot.get(id)).length,
    doubled: ids.filter((id) => (perLot.get(id) ?? 0) > 1).length,
    mail: mailFigures(sink, REMINDER_NOTICE),
    latenessSeconds: { p50: pct(50) / 1000, p99: pct(99) / 1000, max: (lateness[lateness.length - 1] ?? 0) / 1000 },
  };
}
