import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../../api/client';
import { ErrorSummary } from '../../components/forms';
import { Empty, Loaded, Page, WorkflowLink } from '../../components/layout';

/** CLC-4: ops decide each open reissue request, reading its usage plan and what the lot has left. */
export function ReissueQueue() {
  const client = useQueryClient();
  const queue = useQuery({ queryKey: ['queue', 'reissues-full'], queryFn: () => ok(api.GET('/v1/queues/extension-requests')) });
  const decide = useMutation({
    mutationFn: ({ id, approve }: { id: string; approve: boolean }) =>
      ok(api.POST('/v1/extension-requests/{id}/decision', { params: { path: { id } }, body: { approve } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['queue'] }),
  });
  return (
    <Page title="Reissue requests">
      <ErrorSummary error={decide.error} />
      {decide.data && (
        <p className="notice" role="status">
          Request {decide.data.requestId} {decide.data.status}; lot {decide.data.lot.id} now expires {decide.data.lot.expiresOn}.
        </p>
      )}
      <Loaded query={queue}>
        {({ extensionRequests }) =>
          extensionRequests.length === 0 ? (
            <Empty>No open requests.</Empty>
          ) : (
            <ul className="cards">
              {extensionRequests.map((r) => (
                <li key={r.id}>
                  <h2>
                    {r.id}: lot {r.lotId}
                  </h2>
                  <p>
                    {r.balance} credits left, expiring {r.expiresOn}; asked {r.requestedOn} by {r.requestedBy} for{' '}
                    {r.accountId ?? r.ownerName}.
                  </p>
                  <p>Usage plan: {r.usagePlan}</p>
                  <p>
                    <WorkflowLink id={r.workflowId} url={r.workflowUrl} />
                  </p>
                  <div className="actions">
                    <button type="button" disabled={decide.isPending} onClick={() => decide.mutate({ id: r.id, approve: true })}>
                      Approve {r.id}
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      disabled={decide.isPending}
                      onClick={() => decide.mutate({ id: r.id, approve: false })}
                    >
                      Deny {r.id}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </Page>
  );
}
