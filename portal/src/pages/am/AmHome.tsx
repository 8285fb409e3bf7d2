import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { Empty, Loaded, Page } from '../../components/layout';

/** The Account Manager's accounts with state, tier and next award, and the nominations waiting for terms. */
export function AmHome() {
  const accounts = useQuery({ queryKey: ['accounts'], queryFn: () => ok(api.GET('/v1/accounts', { params: { query: { limit: 200 } } })) });
  return (
    <Page title="Accounts">
      <p>
        <Link to="/nominations/new">Nominate a customer</Link>
      </p>
      <Loaded query={accounts}>
        {({ accounts: rows }) =>
          rows.length === 0 ? (
            <Empty>No accounts yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Account</th>
                    <th scope="col">State</th>
                    <th scope="col">Tier</th>
                    <th scope="col">Next award</th>
                    <th scope="col">Team Captain</th>
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
                      <td>{a.captainName}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </Page>
  );
}
