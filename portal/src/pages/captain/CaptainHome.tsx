import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { Empty, Loaded, Page } from '../../components/layout';

function MyAccounts() {
  const accounts = useQuery({ queryKey: ['my-accounts'], queryFn: () => ok(api.GET('/v1/my/accounts')) });
  return (
    <section aria-labelledby="accounts-h">
      <h2 id="accounts-h">My accounts</h2>
      <Loaded query={accounts}>
        {({ accounts: rows }) =>
          rows.length === 0 ? (
            <Empty>You are the Team Captain of no account.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Account</th>
                    <th scope="col">State</th>
                    <th scope="col">Tier</th>
                    <th scope="col">Next award</th>
                    <th scope="col">Terms</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((a) => (
                    <tr key={a.id}>
                      <td>
                        <Link to={`/accounts/${a.id}`}>{a.id}</Link>
                      </td>
                      <td>{a.state}</td>
                      <td>{a.tier ?? '—'}</td>
                      <td>{a.nextAwardDate ?? '—'}</td>
                      <td>
                        {a.state === 'nominated' ? (
                          <Link to={`/accounts/${a.id}/terms`}>Accept terms {a.termsVersion}</Link>
                        ) : (
                          a.termsVersion
                        )}
                      </td>
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

function Redemptions({ view }: { view: 'waiting' | 'history' }) {
  const q = useQuery({
    queryKey: ['my-redemptions', view],
    queryFn: () => ok(api.GET('/v1/my/redemptions', { params: { query: { view } } })),
  });
  const title = view === 'waiting' ? 'Redemptions waiting for you' : 'My redemption history';
  return (
    <section aria-labelledby={`redemptions-${view}`}>
      <h2 id={`redemptions-${view}`}>{title}</h2>
      <Loaded query={q}>
        {({ redemptions }) =>
          redemptions.length === 0 ? (
            <Empty>{view === 'waiting' ? 'Nothing waits for your decision.' : 'No decided redemptions yet.'}</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Redemption</th>
                    <th scope="col">Account</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Credits</th>
                    <th scope="col">Requested</th>
                    <th scope="col">{view === 'waiting' ? 'Released on' : 'Decision'}</th>
                  </tr>
                </thead>
                <tbody>
                  {redemptions.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/redemptions/${r.id}`}>{r.id}</Link>
                      </td>
                      <td>{r.accountId}</td>
                      <td>{r.kind}</td>
                      <td>{r.credits}</td>
                      <td>
                        {r.requestedOn} by {r.requestedBy}
                      </td>
                      <td>{view === 'waiting' ? r.holdUntil : `${r.status} ${r.decidedOn ?? ''}`}</td>
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

export function CaptainHome() {
  return (
    <Page title="Customer Loyalty">
      <MyAccounts />
      <Redemptions view="waiting" />
      <Redemptions view="history" />
    </Page>
  );
}
