import type { IsoDate } from '../../domain/calendar';
import type { WorkflowHarness } from './workflowHarness';

/**
 * One observable fact of a lifecycle, on the test clock's date: an email written to the outbox
 * (`[date, 'email', recipient, kind, subject]`), a ledger entry on its business date (`[date, 'ledger',
 * kind, amount]`), or a change of what the workflow's query answers (`[date, 'state', ...]`).
 */
export type TimelineRow = [IsoDate, 'state' | 'ledger' | 'email', ...(string | number | null)[]];

export interface LedgerFact {
  id: string;
  on: IsoDate;
  kind: string;
  amount: number;
}

/** A lot's ledger entries (CLC-8), in the order written. */
export const lotLedger = (h: WorkflowHarness, lotId: string) => async (): Promise<LedgerFact[]> =>
  (
    await h
      .db('ledger_entries')
      .where({ lot_id: lotId })
      .orderBy('id')
      .select<{ id: string; kind: string; credits: number; occurred_on: string }[]>(
        'id',
        'kind',
        'credits',
        h.db.raw("to_char(occurred_on, 'YYYY-MM-DD') as occurred_on"),
      )
  ).map((e) => ({ id: String(e.id), on: e.occurred_on, kind: e.kind, amount: e.credits }));

const ORDER = { state: 0, ledger: 1, email: 2 } as const;

/**
 * Records a lifecycle's whole timeline as the test walks the clock: at each look, the emails and ledger
 * entries that appeared since the last look and the query's answer if it changed. `at(date)` looks the day
 * before too, so a fact that came a day early shows on its own (wrong) date.
 */
export function timelineRecorder(
  h: WorkflowHarness,
  sources: {
    /** Whose emails belong to this timeline. */
    recipients: string[];
    /** Only the notices whose keys match one of these (SQL LIKE patterns), when given. */
    noticeKeys?: string[];
    /** Ledger entries (a lot's credits, an engagement's payments): a key each, the business date, what, how much. */
    ledger?: () => Promise<LedgerFact[]>;
    /** What the workflow answers now, as the row's values after the date and 'state'. */
    state: () => Promise<(string | number | null)[]>;
  },
) {
  const rows: TimelineRow[] = [];
  const seenEmails = new Set<string>();
  const seenLedger = new Set<string>();
  let lastState = '';

  async function look(): Promise<void> {
    const on = await h.today();
    const state = await sources.state();
    if (JSON.stringify(state) !== lastState) rows.push([on, 'state', ...state]);
    lastState = JSON.stringify(state);
    for (const e of await (sources.ledger?.() ?? [])) {
      if (seenLedger.has(e.id)) continue;
      seenLedger.add(e.id);
      rows.push([e.on, 'ledger', e.kind, e.amount]);
    }
    const emails = await h
      .db('notifications')
      .whereIn('recipient', sources.recipients)
      .where((q) => {
        for (const pattern of sources.noticeKeys ?? ['%']) void q.orWhereLike('id', pattern);
      })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .select<{ id: string; recipient: string; kind: string; subject: string }[]>('id', 'recipient', 'kind', 'subject');
    for (const m of emails.filter((m) => !seenEmails.has(m.id))) {
      seenEmails.add(m.id);
      rows.push([on, 'email', m.recipient, m.kind, m.subject]);
    }
  }

  return {
    look,
    /** Skips to `date` (looking on the day before it first, when that is still ahead) and looks. */
    async at(date: IsoDate): Promise<void> {
      const dayBefore = new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      if (dayBefore > (await h.today())) {
        await h.skipTo(dayBefore);
        await look();
      }
      await h.skipTo(date);
      await look();
    },
    /** Waits until every email of the timeline has reached the SMTP server, as often as recorded. */
    async delivered(ms = 15_000): Promise<void> {
      const key = (to: string, subject: string) => `${to} ${subject}`;
      const want = rows.filter((r) => r[1] === 'email').map((r) => key(String(r[2]), String(r[4])));
      const deadline = Date.now() + ms;
      for (;;) {
        const got = h.smtp.received.flatMap((m) => m.to.map((to) => key(to, m.subject)));
        const missing = want.filter((k, i) => got.filter((g) => g === k).length < want.slice(0, i + 1).filter((w) => w === k).length);
        if (missing.length === 0) return;
        if (Date.now() > deadline) throw new Error(`Not delivered: ${missing.join(' | ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** The timeline so far, by date, then states before ledger entries before emails (each in its order). */
    rows: () =>
      rows
        .map((r, i) => ({ r, i }))
        .sort((a, b) => a.r[0].localeCompare(b.r[0]) || ORDER[a.r[1]] - ORDER[b.r[1]] || a.i - b.i)
        .map(({ r }) => r),
  };
}
