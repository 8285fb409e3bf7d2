import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { addMonths } from '../domain/calendar';
import { today } from './clock';

const acts = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' } });

/**
 * CLC-8: on the first of each month (a Temporal Schedule starts this), every owner's statement of last
 * month's activity is stored and emailed. `month` (YYYY-MM) is for a manual re-run.
 */
export async function monthlyStatements(month?: string): Promise<{ month: string; statements: number; sent: number }> {
  const of = month ?? addMonths(today(), -1).slice(0, 7);
  const statements = await acts.buildStatements(of);
  const sent = await acts.sendStatements(of);
  return { month: of, statements, sent };
}
