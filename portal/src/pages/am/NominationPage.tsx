import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorSummary, Field, GroupError } from '../../components/forms';
import { Page } from '../../components/layout';
import type { components } from '../../api/schema';
import { useMe, type Me } from '../../me';

type Nomination = components['schemas']['Nomination'];

// CAL-2: the fiscal year ends in July; a nomination brings the three full years before this one.
const now = new Date();
const currentFy = now.getUTCMonth() + 1 >= 8 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
const YEARS = [currentFy - 3, currentFy - 2, currentFy - 1];

const TEXT: [string, string, string?][] = [
  ['company.id', 'Company id'],
  ['company.name', 'Company name'],
  ['company.country', 'Country', 'Two-letter code, e.g. US'],
  ['company.corporateGroupId', 'Corporate group id'],
  ['teamCaptain.name', 'Team Captain name'],
  ['teamCaptain.email', 'Team Captain email'],
  ['teamCaptain.ccoId', 'Team Captain CCO id'],
];

type Form = Record<string, string>;

// LOY-6: a blank amount is sent as null, so the API names its field; it is never counted as $0.
const usd = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : Number(value));

/** LOY-6: the signed-in Account Manager is the one asked for a missing year's bookings (not the Team Captain). */
const accountManagerOf = (me: Me | undefined) =>
  me?.role === 'account-manager' && me.email ? { accountManager: { name: me.name, email: me.email } } : {};

function bodyOf(f: Form, endUser: boolean, me: Me | undefined) {
  return {
    company: {
      id: f['company.id'] ?? '',
      name: f['company.name'] ?? '',
      country: f['company.country'] ?? '',
      endUser,
      corporateGroupId: f['company.corporateGroupId'] ?? '',
    },
    teamCaptain: { name: f['teamCaptain.name'] ?? '', email: f['teamCaptain.email'] ?? '', ccoId: f['teamCaptain.ccoId'] ?? '' },
    bookings: YEARS.map((fiscalYear, i) => ({
      fiscalYear,
      directUsd: usd(f[`bookings.${i}.directUsd`]),
      indirectUsd: usd(f[`bookings.${i}.indirectUsd`]),
    })),
    ...accountManagerOf(me),
  };
}

/** LOY-1, LOY-2: an Account Manager nominates a customer; every refusal reason shows at its field, all at once. */
export function NominationPage() {
  const [form, setForm] = useState<Form>({});
  const [endUser, setEndUser] = useState(true);
  const me = useMe().data;
  // The API refuses the nulls of blank amounts (400 at each field); the client's types know only numbers.
  const body = () => bodyOf(form, endUser, me) as unknown as Nomination;
  const nominate = useMutation({ mutationFn: () => ok(api.POST('/v1/nominations', { body: body() })) });
  // A render function for Field (called, not mounted), so typing keeps the focus.
  const input =
    (name: string, type = 'text') =>
    (props: { id: string; name: string }) => (
      <input {...props} type={type} value={form[name] ?? ''} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
    );
  if (nominate.data)
    return (
      <Page title="Nominated">
        <p className="notice" role="status">
          Account {nominate.data.accountId} is nominated; its Team Captain is emailed to accept the terms.{' '}
          <Link to={`/accounts/${nominate.data.accountId}`}>Open the account</Link>
        </p>
      </Page>
    );
  return (
    <Page title="Nominate a customer">
      <form onSubmit={(e) => (e.preventDefault(), nominate.mutate())} noValidate>
        <ErrorSummary error={nominate.error} />
        {TEXT.map(([name, label, hint]) => (
          <Field key={name} name={name} label={label} hint={hint} error={nominate.error}>
            {input(name, name.endsWith('email') ? 'email' : 'text')}
          </Field>
        ))}
        <Field name="company.endUser" label="The company is an end user" error={nominate.error}>
          {(props) => <input {...props} type="checkbox" checked={endUser} onChange={(e) => setEndUser(e.target.checked)} />}
        </Field>
        <fieldset>
          <legend>Bookings (USD) of the three prior fiscal years</legend>
          <GroupError names={['bookings']} error={nominate.error} />
          {YEARS.map((fy, i) => (
            <div key={fy}>
              <Field name={`bookings.${i}.directUsd`} label={`FY${fy} direct`} error={nominate.error}>
                {input(`bookings.${i}.directUsd`, 'number')}
              </Field>
              <Field name={`bookings.${i}.indirectUsd`} label={`FY${fy} indirect`} error={nominate.error}>
                {input(`bookings.${i}.indirectUsd`, 'number')}
              </Field>
            </div>
          ))}
        </fieldset>
        <button type="submit" disabled={nominate.isPending}>
          Nominate
        </button>
      </form>
    </Page>
  );
}
