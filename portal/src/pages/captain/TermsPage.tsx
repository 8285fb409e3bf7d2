import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorSummary } from '../../components/forms';
import { Facts, Loaded, Page } from '../../components/layout';

/** LOY-4: the Team Captain accepts the terms version the account waits for, shown before accepting. */
export function TermsPage() {
  const { id = '' } = useParams();
  const client = useQueryClient();
  const account = useQuery({ queryKey: ['account', id], queryFn: () => ok(api.GET('/v1/accounts/{id}', { params: { path: { id } } })) });
  const accept = useMutation({
    mutationFn: (version: string) => ok(api.POST('/v1/accounts/{id}/terms-acceptance', { params: { path: { id } }, body: { version } })),
    onSuccess: (state) => client.setQueryData(['account', id], state),
  });
  return (
    <Page title={`Terms for account ${id}`}>
      <Loaded query={account}>
        {(a) => (
          <>
            <Facts
              items={[
                ['Company', a.companyName],
                ['Terms version', a.termsVersion],
                ['Accept by', a.lapsesOn],
              ]}
            />
            <ErrorSummary error={accept.error} />
            {a.termsAccepted ? (
              <p className="notice" role="status">
                Terms {a.termsAccepted.version} accepted on {a.termsAccepted.acceptedOn}. The account is {a.state}.{' '}
                <Link to={`/accounts/${id}`}>Open the account</Link>
              </p>
            ) : (
              <div className="actions">
                <button type="button" disabled={accept.isPending} onClick={() => accept.mutate(a.termsVersion)}>
                  Accept terms version {a.termsVersion}
                </button>
              </div>
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}
