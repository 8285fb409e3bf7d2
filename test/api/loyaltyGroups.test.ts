import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from '../helpers/apiHarness';
import { groupNominationFor, nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';

const AM = 'tok-account-manager';
const OPS = 'tok-ops-0000';

// LOY-3: group accounts: a nomination names the group and every member company; companies join later.
describe('API: group accounts (LOY-3)', () => {
  let h: ApiHarness;
  const today = new Date().toISOString().slice(0, 10);
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => h?.close());

  const nominate = (body: object) => h.api.call('POST', '/v1/nominations', { token: AM, body });
  const companyRow = (id: string) => h.db('companies').where({ id }).first();
  const member = (id: string, yearlyUsd: number, extra: object = {}) => ({
    ...groupNominationFor(today, 'X', [['A', yearlyUsd]]).companies[0]!,
    id,
    name: `${id} Ltd`,
    ...extra,
  });

  it('LOY-3: a group is nominated with its member companies; its tier is the band of their combined bookings', async () => {
    const group = uniqueId('DUO');
    // $6M a year each: tier 1 alone, tier 2 ($12M) together.
    const res = await nominate(
      groupNominationFor(today, group, [
        ['A', 6_000_000],
        ['B', 6_000_000],
      ]),
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ accountId: group, workflowId: `loyalty-account-${group}` });
    const read = await h.api.call('GET', `/v1/accounts/${group}`, { token: OPS });
    expect(read.body).toMatchObject({
      companyName: `${group} Group`,
      corporateGroupId: group,
      tier: 2,
      companies: [
        { id: `${group}-A`, name: `${group} A` },
        { id: `${group}-B`, name: `${group} B` },
      ],
    });
    expect(read.body.bookings.map((b: { directUsd: number }) => b.directUsd)).toEqual([12_000_000, 12_000_000, 12_000_000]);
    expect(await companyRow(`${group}-A`)).toMatchObject({ account_id: group, country: 'US', end_user: true });
    expect(await companyRow(`${group}-B`)).toMatchObject({ account_id: group, country: 'US', end_user: true });
    await h.smtp.waitFor((m) => m.to.includes(`captain@${group.toLowerCase()}.example`) && m.subject.includes(`${group} Group`));
  });

  it('LOY-3, LOY-2: an ineligible member is 422 naming its own fields, and nothing is written', async () => {
    const group = uniqueId('BADM');
    const body = groupNominationFor(today, group, [
      ['A', 6_000_000],
      ['B', 6_000_000],
    ]);
    body.companies[1]!.country = 'ZZ';
    body.companies[1]!.endUser = false;
    const res = await nominate(body);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['companies.1.endUser', 'companies.1.country']);
    const malformed = await nominate({ ...body, companies: [body.companies[0], { ...body.companies[1], country: 'usa', bookings: [] }] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['companies.1.bookings', 'companies.1.country']);
    expect(await companyRow(`${group}-A`)).toBeUndefined();
  });

  it('LOY-3: a member that belongs to another open account is refused with 409 naming that account', async () => {
    const other = uniqueId('OWNER');
    expect((await nominate(nominationFor(today, { group: other }))).status).toBe(201);
    const group = uniqueId('TAKE');
    const body = groupNominationFor(today, group, [['A', 6_000_000]]);
    body.companies.push(member(`${other}-1`, 6_000_000));
    const res = await nominate(body);
    expect(res.status).toBe(409);
    expect(res.body.message).toContain(`account ${other}`);
    expect(res.body.errors).toEqual([{ field: 'companies.1', message: `${other}-1 belongs to account ${other}` }]);
    expect(await companyRow(`${group}-A`)).toBeUndefined();
  });

  it('LOY-3: the Account Manager adds a company to an open account; one of another account, or to a closed account, is refused', async () => {
    const group = uniqueId('GROW');
    expect((await nominate(groupNominationFor(today, group, [['A', 6_000_000]]))).status).toBe(201);
    const path = `/v1/accounts/${group}/companies`;
    const added = member(`${group}-NEW`, 20_000_000);
    expect((await h.api.call('POST', path, { token: 'tok-captain-dlee', body: added })).status).toBe(403);
    expect((await h.api.call('POST', path, { token: AM, body: { ...added, country: 'usa' } })).status).toBe(400);
    const abroad = await h.api.call('POST', path, { token: AM, body: { ...added, country: 'ZZ', endUser: false } });
    expect(abroad.status).toBe(422);
    expect(abroad.body.errors.map((e: { field: string }) => e.field)).toEqual(['endUser', 'country']);

    const res = await h.api.call('POST', path, { token: AM, body: added });
    expect(res.status).toBe(200);
    // Its bookings count from the next re-tier: the tier stays tier 1 until then.
    expect(res.body).toMatchObject({ tier: 1, joiningCompanies: [{ id: `${group}-NEW`, name: `${group}-NEW Ltd`, addedOn: today }] });
    expect(await companyRow(`${group}-NEW`)).toMatchObject({ account_id: group });
    expect((await h.api.call('POST', path, { token: AM, body: added })).status).toBe(409);

    const other = uniqueId('ELSE');
    expect((await nominate(nominationFor(today, { group: other }))).status).toBe(201);
    const taken = await h.api.call('POST', path, { token: OPS, body: member(`${other}-1`, 1_000_000) });
    expect(taken.status).toBe(409);
    expect(taken.body.message).toContain(`account ${other}`);

    expect((await h.api.call('POST', `/v1/accounts/${group}/withdrawal`, { token: OPS, body: { reason: 'x' } })).status).toBe(200);
    const closed = await h.api.call('POST', path, { token: AM, body: member(`${group}-LATE`, 1_000_000) });
    expect(closed.status).toBe(409);
    expect(await companyRow(`${group}-LATE`)).toBeUndefined();
  });

  it('LOY-3: two Account Managers adding one company to two accounts at once: one succeeds, the other is 409 naming the account that holds it', async () => {
    // Rounds, so the two requests overlap in every way the race allows (both check the read model before either writes).
    for (let round = 0; round < 3; round++) {
      const [p, q] = [uniqueId('RACEP'), uniqueId('RACEQ')];
      expect((await nominate(groupNominationFor(today, p, [['A', 6_000_000]]))).status).toBe(201);
      const byOther = await h.api.call('POST', '/v1/nominations', {
        token: 'tok-account-manager-2',
        body: groupNominationFor(today, q, [['A', 6_000_000]]),
      });
      expect(byOther.status).toBe(201);
      const company = member(uniqueId('CONTESTED'), 2_000_000);
      const [toP, toQ] = await Promise.all([
        h.api.call('POST', `/v1/accounts/${p}/companies`, { token: AM, body: company }),
        h.api.call('POST', `/v1/accounts/${q}/companies`, { token: 'tok-account-manager-2', body: company }),
      ]);
      expect([toP.status, toQ.status].sort()).toEqual([200, 409]);
      const [winner, loser, refused] = toP.status === 200 ? [p, q, toQ] : [q, p, toP];
      expect(refused.body.errors).toEqual([{ field: 'id', message: `${company.id} belongs to account ${winner}` }]);
      expect(await companyRow(company.id)).toMatchObject({ account_id: winner });
      const joining = async (id: string) =>
        ((await h.api.call('GET', `/v1/accounts/${id}`, { token: OPS })).body.joiningCompanies ?? []).map((c: { id: string }) => c.id);
      expect(await joining(winner)).toEqual([company.id]);
      expect(await joining(loser)).toEqual([]);
    }
  });

  it('LOY-10, LOY-3: a group nominated again without one of its former companies lets it go: it may join another account; the earlier lifecycle keeps its members', async () => {
    const group = uniqueId('SPLIT');
    const both = groupNominationFor(today, group, [
      ['A', 6_000_000],
      ['B', 6_000_000],
    ]);
    expect((await nominate(both)).status).toBe(201);
    expect((await h.api.call('POST', `/v1/accounts/${group}/withdrawal`, { token: OPS, body: { reason: 'restructured' } })).status).toBe(
      200,
    );
    // Nominated again with A only: B (sold off) is no member of the new lifecycle.
    const onlyA = { ...both, companies: [both.companies[0]!] };
    expect((await nominate(onlyA)).status).toBe(201);
    // B joins another group's account: it no longer belongs to the one it left.
    const buyer = uniqueId('BUYER');
    const withB = groupNominationFor(today, buyer, [['A', 6_000_000]]);
    withB.companies.push({ ...both.companies[1]! });
    const res = await nominate(withB);
    expect(res.status).toBe(201);
    expect(await companyRow(`${group}-B`)).toMatchObject({ account_id: buyer });

    // The new lifecycle has A only; the earlier one, as it ended, had both.
    const read = await h.api.call('GET', `/v1/accounts/${group}`, { token: OPS });
    expect(read.body).toMatchObject({ lifecycle: 2, companies: [{ id: `${group}-A`, name: `${group} A` }] });
    expect(read.body.earlierLifecycles).toEqual([
      expect.objectContaining({
        lifecycle: 1,
        state: 'withdrawn',
        companies: [
          { id: `${group}-A`, name: `${group} A` },
          { id: `${group}-B`, name: `${group} B` },
        ],
      }),
    ]);
  });
});
