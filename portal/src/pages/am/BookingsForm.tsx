import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok } from '../../api/client';
import { ErrorSummary, Field } from '../../components/forms';

// An empty input is sent as null, so the API names the field instead of the portal counting it as $0 (LOY-11).
const usd = (value: string) => (value.trim() === '' ? null : Number(value));

/** LOY-6, LOY-11: the Account Manager (or ops) records a fiscal year's bookings; a missing year is offered first. */
export function BookingsForm({ id, missing }: { id: string; missing: number[] }) {
  const client = useQueryClient();
  const [fiscalYear, setFiscalYear] = useState(String(missing[0] ?? ''));
  const [directUsd, setDirect] = useState('');
  const [indirectUsd, setIndirect] = useState('');
  const record = useMutation({
    mutationFn: (body: { fiscalYear: number; directUsd: number; indirectUsd: number }) =>
      ok(api.POST('/v1/accounts/{id}/bookings', { params: { path: { id } }, body })),
    onSuccess: (state) => client.setQueryData(['account', id], state),
  });
  const submit = () =>
    record.mutate({ fiscalYear: Number(fiscalYear), directUsd: usd(directUsd), indirectUsd: usd(indirectUsd) } as {
      fiscalYear: number;
      directUsd: number;
      indirectUsd: number;
    });
  return (
    <form onSubmit={(e) => (e.preventDefault(), submit())} noValidate aria-labelledby="bookings-h">
      <h2 id="bookings-h">Record the bookings</h2>
      {missing.length > 0 && <p>The tier waits for the bookings of {missing.map((fy) => `FY${fy}`).join(', ')}.</p>}
      <ErrorSummary error={record.error} />
      {record.isSuccess && (
        <p className="notice" role="status">
          FY{record.variables.fiscalYear} bookings recorded.
        </p>
      )}
      <Field name="fiscalYear" label="Fiscal year" error={record.error}>
        {(props) => (
          <input {...props} type="number" inputMode="numeric" value={fiscalYear} onChange={(e) => setFiscalYear(e.target.value)} />
        )}
      </Field>
      <Field name="directUsd" label="Direct bookings (USD)" error={record.error}>
        {(props) => (
          <input {...props} type="number" inputMode="decimal" min={0} value={directUsd} onChange={(e) => setDirect(e.target.value)} />
        )}
      </Field>
      <Field name="indirectUsd" label="Indirect bookings (USD)" error={record.error}>
        {(props) => (
          <input {...props} type="number" inputMode="decimal" min={0} value={indirectUsd} onChange={(e) => setIndirect(e.target.value)} />
        )}
      </Field>
      <button type="submit" disabled={record.isPending}>
        Record bookings
      </button>
    </form>
  );
}
