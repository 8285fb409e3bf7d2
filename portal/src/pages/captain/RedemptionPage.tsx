import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorSummary } from '../../components/forms';
import { Facts, Loaded, Page } from '../../components/layout';

/** CLC-6: the Team Captain approves or rejects a held redemption; the hold releases it on its date otherwise. */
export function RedemptionPage() {
  const { id = '' } = useParams();
  const client = useQueryClient();
  const redemption = useQuery({
    queryKey: ['redemption', id],
    queryFn: () => ok(api.GET('/v1/redemptions/{id}', { params: { path: { id } } })),
  });
  const decide = useMutation({
    mutationFn: (approve: boolean) => ok(api.POST('/v1/redemptions/{id}/decision', { params: { path: { id } }, body: { approve } })),
    onSuccess: (state) => {
      client.setQueryData(['redemption', id], state);
      void client.invalidateQueries({ queryKey: ['my-redemptions'] });
    },
  });
  return (
    <Page title={`Redemption ${id}`}>
      <Loaded query={redemption}>
        {(r) => (
          <>
            <Facts
              items={[
                ['Status', r.status],
                ['Credits', r.credits],
                ['Released on', r.status === 'pending' ? r.holdUntil : null],
                ['Decided by', r.decidedBy],
                ['Drawn from', r.allocation.map((a) => `${a.lotId}: ${a.credits}`).join(', ')],
                // CLC-5: an approved exam redemption issued a voucher of its own.
                ['Exam voucher', r.voucherId ? <Link to={`/vouchers/${encodeURIComponent(r.voucherId)}`}>{r.voucherId}</Link> : null],
              ]}
            />
            <ErrorSummary error={decide.error} />
            {r.status === 'pending' ? (
              <div className="actions">
                <button type="button" disabled={decide.isPending} onClick={() => decide.mutate(true)}>
                  Approve
                </button>
                <button type="button" className="secondary" disabled={decide.isPending} onClick={() => decide.mutate(false)}>
                  Reject
                </button>
              </div>
            ) : (
              <p className="notice" role="status">
                This redemption is {r.status}.
              </p>
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}
