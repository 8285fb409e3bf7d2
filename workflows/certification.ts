import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { addDays, addMonths } from '../domain/calendar';
import {
  csatMeasurementDates,
  csatShortfalls,
  firstCsatMeasurement,
  lapseDate,
  lapseReminderDate,
  lostOn,
  nextAnniversary,
  noticeIsTimely,
  recertReminderDates,
  recertWindowOpens,
  unmetRequirements,
} from '../domain/certification';
import { sleepUntilDate, today } from './clock';
import { acts, refusal } from './shared';
import {
  certificationRecordedUpdate,
  certificationSearchAttributes as csa,
  certificationStateQuery,
  csatResponsesUpdate,
  decideCertificationUpdate,
  grantExtensionUpdate,
  markCompliantUpdate,
  moveToGoldUpdate,
  nonComplianceNoticeUpdate,
  renewCertificationUpdate,
  revokeUpdate,
  type CertificationInput,
  type CertificationState,
} from './certificationDefinitions';
import { failureTypes } from './definitions';

/**
 * One partner's Premier Certification in one country (CERT-1 … CERT-5): applied → approved by ops →
 * Re-Cert 90 days before each anniversary (reminders at 60 and 30 days, and a week before it is lost) →
 * renewed (a year on; continue-as-new) or lost 31 days after the anniversary. Customer satisfaction is
 * measured each January and July; non-compliance may get an extension or end in revocation.
 */
export async function certification(input: CertificationInput): Promise<CertificationState> {
  const s: CertificationState = input.carried ?? {
    id: input.id,
    partnerId: input.partnerId,
    country: input.country,
    partnerEmail: input.partnerEmail,
    state: 'applied',
    requirements: input.requirements,
    certifiedOn: null,
    anniversary: null,
    done: [],
    csatResponses: [],
    lowScoreFollowUpDone: false,
    measurements: [],
    nonCompliance: null,
  };
  let recorded = input.carried !== undefined;
  let revocation: string | null = null;
  let revokedRecorded = false;
  let renewed = false;
  let complianceChanged = false;
  const open = () => s.state === 'approved' || s.state === 're-cert';

  setHandler(certificationStateQuery, () => s);
  setHandler(certificationRecordedUpdate, async () => {
    await condition(() => recorded);
    return s;
  });
  setHandler(
    decideCertificationUpdate,
    ({ approve }) => {
      const on = today();
      if (approve) Object.assign(s, { state: 'approved', certifiedOn: on, anniversary: nextAnniversary(on) });
      else s.state = 'refused';
      return s;
    },
    {
      validator: (_x) => {
        if (s.state !== 'applied') throw refusal(failureTypes.conflict, `certification ${s.id} is ${s.state}`);
      },
    },
  );

  // CERT-3: renewal in the window, only when every current requirement is met.
  setHandler(
    renewCertificationUpdate,
    async (requirements) => {
      s.requirements = requirements;
      s.anniversary = nextAnniversary(s.anniversary!);
      s.state = 'approved';
      renewed = true;
      return s;
    },
    {
      validator: (requirements) => {
        const on = today();
        if (!open() || !s.anniversary || on < recertWindowOpens(s.anniversary) || on > lapseDate(s.anniversary)) {
          throw refusal(
            failureTypes.conflict,
            `renewal is open from ${s.anniversary ? recertWindowOpens(s.anniversary) : '-'} to ${s.anniversary ? lapseDate(s.anniversary) : '-'}; the certification is ${s.state}`,
          );
        }
        const unmet = unmetRequirements(requirements);
        if (unmet.length) throw refusal(failureTypes.invalid, `${unmet.length} requirement(s) not met`, unmet);
      },
    },
  );

  setHandler(
    csatResponsesUpdate,
    ({ count, lowScoreFollowUpDone }) => {
      s.csatResponses.push({ on: today(), count });
      if (lowScoreFollowUpDone !== undefined) s.lowScoreFollowUpDone = lowScoreFollowUpDone;
      return s;
    },
    {
      validator: (_x) => {
        if (!open()) throw refusal(failureTypes.conflict, `certification ${s.id} is ${s.state}`);
      },
    },
  );

  // CERT-5: the partner's notice, timely within 30 days of becoming aware.
  setHandler(
    nonComplianceNoticeUpdate,
    ({ reason, awareOn }) => {
      const on = today();
      s.nonCompliance = { reason, awareOn, noticeOn: on, timely: noticeIsTimely(awareOn, on), extensionUntil: null };
      complianceChanged = true;
      return s;
    },
    {
      validator: (_x) => {
        if (!open()) throw refusal(failureTypes.conflict, `certification ${s.id} is ${s.state}`);
      },
    },
  );

  setHandler(
    grantExtensionUpdate,
    async ({ until }) => {
      s.nonCompliance = { ...s.nonCompliance!, extensionUntil: until };
      complianceChanged = true;
      const key = await acts.recordCertificationEvent({ s, event: `extension-${until}`, notice: 'extension', detail: until });
      if (key) await acts.sendNotice(key);
      return s;
    },
    {
      validator: ({ until }) => {
        if (!s.nonCompliance) throw refusal(failureTypes.conflict, 'the certification is not out of compliance');
        if (!s.nonCompliance.timely)
          throw refusal(failureTypes.invalid, 'no timely notice of the non-compliance: no extension', [
            { field: 'until', message: 'notice came later than 30 days after awareness' },
          ]);
        if (until <= today())
          throw refusal(failureTypes.invalid, 'an extension ends in the future', [{ field: 'until', message: 'must be after today' }]);
      },
    },
  );

  setHandler(
    markCompliantUpdate,
    () => {
      s.nonCompliance = null;
      complianceChanged = true;
      return s;
    },
    {
      validator: (_x) => {
        if (!s.nonCompliance) throw refusal(failureTypes.conflict, 'the certification is not out of compliance');
      },
    },
  );

  // CERT-4: a Premier partner moving to Gold; its first Gold measurement comes after six full months.
  setHandler(
    moveToGoldUpdate,
    () => {
      s.goldSince = today();
      complianceChanged = true; // the measurement dates change
      return s;
    },
    {
      validator: (_x) => {
        if (!open() || s.goldSince) throw refusal(failureTypes.conflict, `certification ${s.id} cannot move to Gold now`);
      },
    },
  );

  // CERT-5: ops may revoke at once without timely notice; with it, not while an extension runs.
  setHandler(
    revokeUpdate,
    async ({ reason }) => {
      revocation = reason;
      await condition(() => revokedRecorded);
      return s;
    },
    {
      validator: (_r) => {
        const nc = s.nonCompliance;
        if (!open() || !nc) throw refusal(failureTypes.conflict, 'only a certification out of compliance can be revoked');
        if (nc.timely && nc.extensionUntil && today() <= nc.extensionUntil)
          throw refusal(failureTypes.conflict, `the compliance extension runs until ${nc.extensionUntil}`);
      },
    },
  );

  const publish = () => {
    upsertSearchAttributes([
      { key: csa.PartnerId, value: s.partnerId },
      { key: csa.Country, value: s.country },
      { key: csa.CertState, value: s.state },
      { key: csa.AnniversaryDate, value: s.anniversary ? new Date(`${s.anniversary}T00:00:00Z`) : null },
    ]);
    setCurrentDetails(
      `Premier Certification **${s.partnerId}** in ${s.country} — ${s.state}` +
        (s.anniversary ? `, anniversary ${s.anniversary}` : '') +
        (s.nonCompliance ? `\n\nOut of compliance: ${s.nonCompliance.reason}` : ''),
    );
  };
  const tell = async (event: string, notice?: string, detail?: string) => {
    publish();
    const key = await acts.recordCertificationEvent({ s, event, notice, detail });
    if (key) await acts.sendNotice(key);
  };

  publish();
  if (s.state === 'applied') {
    await tell('applied');
    recorded = true;
    await condition(() => s.state !== 'applied');
    if ((s.state as CertificationState['state']) === 'refused') {
      await tell('refused', 'refused');
      return s;
    }
    await tell('approved', 'approved');
  }

  for (;;) {
    const a = s.anniversary!;
    const [r60, r30] = recertReminderDates(a);
    const firstCsat = s.goldSince ? firstCsatMeasurement(s.goldSince, 6) : firstCsatMeasurement(s.certifiedOn!);
    const events: [string, string][] = [
      ['recert-open', recertWindowOpens(a)],
      ['recert-60', r60!],
      ['recert-30', r30!],
      ['lapse-7', lapseReminderDate(a)],
      ['lost', lostOn(a)],
      ...csatMeasurementDates(firstCsat, lostOn(a)).map((d): [string, string] => [`csat-${d}`, d]),
      ...(s.nonCompliance?.extensionUntil
        ? [[`extension-end-${s.nonCompliance.extensionUntil}`, addDays(s.nonCompliance.extensionUntil, 1)] as [string, string]]
        : []),
    ];
    const pending = events.filter(([key]) => !s.done.includes(key)).sort((x, y) => (x[1] < y[1] ? -1 : 1));
    const [key, date] = pending[0]!;
    complianceChanged = false;
    const woke = await sleepUntilDate(
      date,
      () => renewed || revocation !== null || complianceChanged || workflowInfo().continueAsNewSuggested,
    );
    if (revocation !== null) {
      s.state = 'revoked';
      await tell('revoked', 'revoked', revocation);
      revokedRecorded = true;
      await condition(allHandlersFinished);
      return s;
    }
    if (renewed) {
      await tell(`renewed-${s.anniversary}`, 'renewed');
      await condition(allHandlersFinished);
      return continueAsNew<typeof certification>({ ...input, carried: { ...s, done: [] } });
    }
    if (woke) {
      if (workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        return continueAsNew<typeof certification>({ ...input, carried: s });
      }
      continue;
    }
    s.done.push(key);
    if (key === 'recert-open' && open()) {
      s.state = 're-cert';
      await tell(key, 'recert-open');
    } else if (key === 'recert-60' || key === 'recert-30' || key === 'lapse-7') {
      if (s.state === 're-cert')
        await tell(key, 'reminder', key === 'lapse-7' ? `It is lost after ${lapseDate(a)}.` : `Renewal is open until ${lapseDate(a)}.`);
    } else if (key === 'lost') {
      s.state = 'lapsed';
      await tell(key, 'lapsed');
      return s;
    } else if (key.startsWith('csat-')) {
      // CERT-4: responses of the 12 months before the measurement date.
      const from = addMonths(date, -12);
      const responses = s.csatResponses.filter((r) => r.on > from && r.on <= date).reduce((n, r) => n + r.count, 0);
      const shortfalls = csatShortfalls({
        responsesIn12Months: responses,
        lowScoreFollowUpDone: s.lowScoreFollowUpDone,
        first: date === firstCsat,
        premierToGold: Boolean(s.goldSince),
      });
      s.measurements.push({ on: date, passed: shortfalls.length === 0, shortfalls });
      if (shortfalls.length) {
        s.nonCompliance = {
          reason: `customer satisfaction on ${date}: ${shortfalls.join('; ')}`,
          awareOn: date,
          noticeOn: date,
          timely: true,
          extensionUntil: null,
        };
        await tell(key, 'csat-failed', shortfalls.join('; '));
      } else publish();
    } else if (key.startsWith('extension-end-') && s.nonCompliance) {
      s.state = 'revoked';
      await tell(key, 'revoked', `still out of compliance when the extension ended (${s.nonCompliance.reason})`);
      return s;
    }
  }
}
