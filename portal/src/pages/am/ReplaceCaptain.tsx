import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok } from '../../api/client';
import { ErrorSummary, Field } from '../../components/forms';

const FIELDS: [string, string][] = [
  ['name', 'New Team Captain name'],
  ['email', 'New Team Captain email'],
  ['ccoId', 'New Team Captain CCO id'],
];

/** LOY-8: the Account Manager (or ops) replaces the account's Team Captain; access moves at once. */
export function ReplaceCaptain({ id }: { id: string }) {
  const client = useQueryClient();
  const [captain, setCaptain] = useState({ name: '', email: '', ccoId: '' });
  const replace = useMutation({
    mutationFn: () => ok(api.PUT('/v1/accounts/{id}/team-captain', { params: { path: { id } }, body: captain })),
    onSuccess: (state) => client.setQueryData(['account', id], state),
  });
  return (
    <form onSubmit={(e) => (e.preventDefault(), replace.mutate())} noValidate>
      <h2>Replace the Team Captain</h2>
      <ErrorSummary error={replace.error} />
      {replace.isSuccess && (
        <p className="notice" role="status">
          {captain.name} is the Team Captain now.
        </p>
      )}
      {FIELDS.map(([key, label]) => (
        <Field key={key} name={key} label={label} error={replace.error}>
          {(props) => (
            <input
              {...props}
              type={key === 'email' ? 'email' : 'text'}
              value={captain[key as keyof typeof captain]}
              onChange={(e) => setCaptain({ ...captain, [key]: e.target.value })}
            />
          )}
        </Field>
      ))}
      <button type="submit" disabled={replace.isPending}>
        Replace Team Captain
      </button>
    </form>
  );
}
