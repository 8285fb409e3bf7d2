import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorSummary, Field } from '../../components/forms';
import { Facts, Loaded, Page } from '../../components/layout';

/** CLC-4: ask for the lot's one reissue (a six-month extension) with a usage plan. */
function ReissueForm({ id }: { id: string }) {
  const client = useQueryClient();
  const [usagePlan, setUsagePlan] = useState('');
  const ask = useMutation({
    mutationFn: () => ok(api.POST('/v1/lots/{id}/extension-requests', { params: { path: { id } }, body: { usagePlan } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['lot', id] }),
  });
  return (
    <form onSubmit={(e) => (e.preventDefault(), ask.mutate())} noValidate>
      <h2>Request a reissue</h2>
      <ErrorSummary error={ask.error} />
      <Field name="usagePlan" label="Usage plan" error={ask.error} hint="How the credits will be used in the six extra months">
        {(props) => <textarea {...props} rows={4} value={usagePlan} onChange={(e) => setUsagePlan(e.target.value)} />}
      </Field>
      <button type="submit" disabled={ask.isPending}>
        Request reissue
      </button>
    </form>
  );
}

export function LotPage() {
  const { id = '' } = useParams();
  const lot = useQuery({ queryKey: ['lot', id], queryFn: () => ok(api.GET('/v1/lots/{id}', { params: { path: { id } } })) });
  return (
    <Page title={`Lot ${id}`}>
      <Loaded query={lot}>
        {(l) => (
          <>
            <Facts
              items={[
                ['State', l.state],
                ['Balance', `${l.balance} of ${l.lot.credits}`],
                ['Source', l.lot.source],
                ['Issued', l.lot.issuedOn],
                ['Expires', l.expiresOn],
                ['Reminders sent', l.remindedOn.length ? l.remindedOn.join(', ') : 'none yet'],
                ['Forfeited', l.forfeited],
              ]}
            />
            {l.extension ? (
              <p className="notice" role="status">
                Reissue requested on {l.extension.requestedOn} by {l.extension.requestedBy}: {l.extension.status}.
              </p>
            ) : (
              <ReissueForm id={id} />
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}
