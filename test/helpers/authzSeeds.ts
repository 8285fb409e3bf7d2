// ALL-3: one entity of each kind that the first caller of each role owns ("own") and one that another
// caller owns ("another"), made through the API as the people who own them would.
import { addDays, addYears } from '../../domain/calendar';
import { FY22_TIER_TABLE } from '../../domain/loyalty';
import { fullRequirements } from './certification';
import { nominationFor } from './loyalty';
import { uniqueId } from './temporal';

export type EntityKind =
  | 'account'
  | 'lot'
  | 'windowLot'
  | 'extensionRequest'
  | 'redemption'
  | 'voucher'
  | 'certification'
  | 'engagement'
  | 'useCase'
  | 'retiredUseCase';
export type Seeds = Record<EntityKind, readonly [own: string, another: string]>;

export const useCaseBody = {
  technology: 'Collaboration',
  name: 'Meetings adoption',
  phases: [{ name: 'Onboard', paymentUsd: 1000, goals: [{ metric: 'devices_reporting_pct', comparison: '>=', threshold: 80 }] }],
};
export const tierTableBody = { bands: FY22_TIER_TABLE.bands };

type Call = (method: string, path: string, token: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** Calls `path` and insists on `status`: a seed that fails is a broken test, not a finding. */
const must = (call: Call) => async (status: number, method: string, path: string, token: string, body?: unknown) => {
  const res = await call(method, path, token, body);
  if (res.status !== status) throw new Error(`seed ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

async function seedAccounts(ok: ReturnType<typeof must>, today: string) {
  const own = uniqueId('AZA');
  const another = uniqueId('AZB');
  await ok(201, 'POST', '/v1/nominations', 'tok-account-manager', nominationFor(today, { group: own }));
  await ok(201, 'POST', '/v1/nominations', 'tok-account-manager-2', nominationFor(today, { group: another, ccoId: 'someone-else' }));
  return [own, another] as const;
}

async function seedCredits(ok: ReturnType<typeof must>, accounts: readonly string[], today: string) {
  const buy = async (accountId: string, invoiceDate: string) =>
    (
      await ok(201, 'POST', '/v1/purchases', 'tok-ops-0000', {
        accountId,
        country: 'US',
        invoiceDate,
        packages: [{ size: 100, quantity: 1 }],
      })
    ).lotId as string;
  // Inside the extension window (CLC-4): expiring in 30 days.
  const windowInvoice = addDays(addYears(today, -1), 30);
  const lot = [await buy(accounts[0]!, addDays(today, -10)), await buy(accounts[1]!, addDays(today, -10))] as const;
  const windowLot = [await buy(accounts[0]!, windowInvoice), await buy(accounts[1]!, windowInvoice)] as const;
  const asked = [await buy(accounts[0]!, windowInvoice), await buy(accounts[1]!, windowInvoice)];
  const usagePlan = { usagePlan: 'Exams for the whole team this spring' };
  const ask = async (lotId: string) => (await ok(201, 'POST', `/v1/lots/${lotId}/extension-requests`, 'tok-ops-0000', usagePlan)).requestId;
  const extensionRequest = [await ask(asked[0]!), await ask(asked[1]!)] as const;
  const redeem = async (accountId: string) =>
    (await ok(201, 'POST', '/v1/redemptions', 'tok-ops-0000', { accountId, kind: 'digital-learning', credits: 2, paysFor: 'Cisco U.' }))
      .redemptionId;
  const redemption = [await redeem(accounts[0]!), await redeem(accounts[1]!)] as const;
  // CLC-5: an exam voucher of each account, asked for by ops (LOY-4: the captains have not accepted the
  // terms yet, which the matrix does) and approved by its own captain.
  const voucherOf = async (accountId: string, captain: string) => {
    const learner = { name: 'Kim Osei', email: 'kim@learners.example' };
    const exam = { accountId, kind: 'exam-voucher', credits: 1, paysFor: 'CCNA 200-301', learner };
    const asked = await ok(201, 'POST', '/v1/redemptions', 'tok-ops-0000', exam);
    return (await ok(200, 'POST', `/v1/redemptions/${asked.redemptionId}/decision`, captain, { approve: true })).voucherId as string;
  };
  const voucher = [await voucherOf(accounts[0]!, 'tok-captain-dlee'), await voucherOf(accounts[1]!, 'tok-captain-other')] as const;
  return { lot, windowLot, extensionRequest, redemption, voucher };
}

async function seedPartners(ok: ReturnType<typeof must>) {
  const application = { country: 'US', requirements: fullRequirements() };
  for (const id of ['P-1', 'P-2'])
    await ok(201, 'POST', '/v1/partners', 'tok-ops-0000', { id, name: `${id} Ltd`, email: `${id}@partner.example` });
  const certification = [
    (await ok(201, 'POST', '/v1/certifications', 'tok-partner-p1', application)).certificationId,
    (await ok(201, 'POST', '/v1/certifications', 'tok-partner-p2', application)).certificationId,
  ] as const;
  const useCase = uniqueId('UC');
  const retired = uniqueId('UCR');
  await ok(201, 'PUT', `/v1/catalogue/use-cases/${useCase}`, 'tok-ops-0000', useCaseBody);
  await ok(201, 'PUT', `/v1/catalogue/use-cases/${retired}`, 'tok-ops-0000', useCaseBody);
  const open = async (token: string) =>
    (await ok(201, 'POST', '/v1/engagements', token, { customerId: uniqueId('CU'), useCaseId: useCase })).engagementId as string;
  const engagement = [await open('tok-partner-p1'), await open('tok-partner-p2')] as const;
  return { certification, engagement, useCase: [useCase, useCase] as const, retiredUseCase: [retired, retired] as const };
}

export async function seedEntities(call: Call, today: string): Promise<Seeds> {
  const ok = must(call);
  const account = await seedAccounts(ok, today);
  return { account, ...(await seedCredits(ok, account, today)), ...(await seedPartners(ok)) };
}
