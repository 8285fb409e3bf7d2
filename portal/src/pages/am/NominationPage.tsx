import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorSummary, Field, GroupError } from '../../components/forms';
import { Page } from '../../components/layout';

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

function bodyOf(f: Form, endUser: boolean) {
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
      directUsd: Number(f[`bookings.${i}.directUsd`] || 0),
      indirectUsd: Number(f[`bookings.${i}.indirectUsd`] || 0),
    })),
  };
}

/** LOY-1, LOY-2: an Account Manager nominates a customer; every refusal reason shows at its field, all at once. */
export function NominationPage() {
  const [form, setForm] = useState<Form>({});
  const [endUser, setEndUser] = useState(true);
  const nominate = useMutation({ mutationFn: () => ok(api.POST('/v1/nominations', { body: bodyOf(form, endUser) })) });
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
