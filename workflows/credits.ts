import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import {
  balanceChangedSignal,
  decideExtensionUpdate,
  lotRecordedUpdate,
  lotStateQuery,
  requestExtensionUpdate,
  type CreditLotInput,
  type CreditLotState,
} from './creditsDefinitions';
import { CreditLot } from './creditsState';
import { closeAfterWindow, recordAndActivate, runToExpiry } from './creditsSteps';

/**
 * One Learning Credit lot (CLC-2 … CLC-4): pending until it activates → reminders 90, 30 and 7 days
 * before expiry while credits remain → forfeit at expiry → open 60 more days for the one extension →
 * closed. An approved extension moves the expiry six months and the cycle runs again.
 */
export async function creditLot(input: CreditLotInput): Promise<CreditLotState> {
  const l = new CreditLot(input);
  setHandler(lotStateQuery, () => l.s);
  setHandler(lotRecordedUpdate, () => l.lotRecorded());
  setHandler(balanceChangedSignal, (balance) => l.balanceChanged(balance));
  setHandler(requestExtensionUpdate, (r) => l.requestExtension(r), { validator: (r) => l.validateExtensionRequest(r) });
  setHandler(decideExtensionUpdate, (d, by?) => l.decideExtension(d, by), { validator: (d, _by?) => l.validateExtensionDecision(d) });

  l.publish();
  await recordAndActivate(l);
  while (l.s.state !== 'closed') {
    if (l.s.state === 'active') {
      const expiry = await runToExpiry(l);
      if (expiry === 'moved') continue;
      if (expiry === 'suggested') break;
    }
    const window = await closeAfterWindow(l);
    if (window === 'reopened') continue;
    if (window === 'suggested') break;
  }
  await condition(allHandlersFinished);
  if (l.s.state !== 'closed') return continueAsNew<typeof creditLot>({ lot: input.lot, carried: l.s });
  return l.s;
}
