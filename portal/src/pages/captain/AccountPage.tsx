import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorSummary } from '../../components/forms';
import { Empty, Facts, Loaded, Page } from '../../components/layout';
import { useMe } from '../../me';
import { BookingsForm } from '../am/BookingsForm';
import { ReplaceCaptain } from '../am/ReplaceCaptain';
import { Statements } from './Statements';

function Lots({ id }: { id: string }) {
  const lots = useQuery({ queryKey: ['lots', id], queryFn: () => ok(api.GET('/v1/accounts/{id}/lots', { params: { path: { id } } })) });
  return (
    <section aria-labelledby="lots-h">
      <h2 id="lots-h">Balance by lot</h2>
      <Loaded query={lots}>
        {({ lots: rows }) =>
          rows.length === 0 ? (
            <Empty>No credits yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Lot</th>
                    <th scope="col">Source</th>
                    <th scope="col">State</th>
                    <th scope="col">Balance</th>
                    <th scope="col">Expires</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((l) => (
                    <tr key={l.id}>
                      <td>
                        <Link to={`/lots/${l.id}`}>{l.id}</Link>
                      </td>
                      <td>{l.source}</td>
                      <td>{l.state}</td>
                      <td>
                        {l.balance} of {l.credits}
                      </td>
                      <td>{l.expiresOn}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </section>
  );
}

function AutoApproval({ id, enabled }: { id: string; enabled: boolean }) {
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: (on: boolean) => ok(api.PUT('/v1/accounts/{id}/auto-approval', { params: { path: { id } }, body: { enabled: on } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['account', id] }),
  });
  return (
    <section aria-labelledby="auto-h">
      <h2 id="auto-h">Auto-approval</h2>
      <p>Redemptions are {enabled ? 'approved at once' : 'held for your decision'}.</p>
      <ErrorSummary error={change.error} />
      <button type="button" className="secondary" disabled={change.isPending} onClick={() => change.mutate(!enabled)}>
        Turn auto-approval {enabled ? 'off' : 'on'}
      </button>
    </section>
  );
}

export function AccountPage() {
  const { id = '' } = useParams();
  const account = useQuery({
    queryKey: ['account', id],
    queryFn: () => ok(api.GET('/v1/accounts/{id}', { params: { path: { id } } })),
    // LOY-11: a missing year just recorded is re-tiered by the workflow after the update answers; asked again until it is.
    refetchInterval: ({ state: { data } }) =>
      data?.missingBookings?.some((fy) => data.bookings.some((b) => b.fiscalYear === fy)) ? 1000 : false,
  });
  const captain = useMe().data?.role === 'team-captain';
  return (
    <Page title={`Account ${id}`}>
      <Loaded query={account}>
        {(a) => (
          <>
            <Facts
              items={[
                ['Company', a.companyName],
                ['State', a.state],
                ['Tier', a.tier],
                ['Quarterly credits', a.quarterlyCredits],
                ['Next award', a.nextAwardDate],
                ['Bookings on record', a.bookings.map((b) => `FY${b.fiscalYear}`).join(', ') || 'none'],
                ['Bookings missing', a.missingBookings?.length ? a.missingBookings.map((fy) => `FY${fy}`).join(', ') : 'none'],
                ['Team Captain', `${a.teamCaptain.name} (${a.teamCaptain.ccoId})`],
                [
                  'Terms',
                  a.termsAccepted ? `${a.termsAccepted.version}, accepted ${a.termsAccepted.acceptedOn}` : `waiting: ${a.termsVersion}`,
                ],
              ]}
            />
            {!a.termsAccepted && a.state === 'nominated' && (
              <p>
                <Link to={`/accounts/${id}/terms`}>Accept the terms ({a.termsVersion})</Link>
              </p>
            )}
            {captain && <AutoApproval id={id} enabled={a.autoApproval} />}
            <Lots id={id} />
            <Statements id={id} />
            {!captain && <BookingsForm id={id} missing={a.missingBookings ?? []} />}
            {!captain && <ReplaceCaptain id={id} />}
          </>
        )}
      </Loaded>
    </Page>
  );
}
