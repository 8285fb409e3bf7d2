import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { Empty, Loaded } from '../../components/layout';

/** CLC-8: the account's monthly statements, latest first, each to read or download as CSV on its own page. */
export function Statements({ id }: { id: string }) {
  const list = useQuery({
    queryKey: ['statements', id],
    queryFn: () => ok(api.GET('/v1/accounts/{id}/statements', { params: { path: { id }, query: { limit: 24 } } })),
  });
  return (
    <section aria-labelledby="statements-h">
      <h2 id="statements-h">Monthly statements</h2>
      <Loaded query={list}>
        {({ statements }) =>
          statements.length === 0 ? (
            <Empty>No statement yet: the first comes after the account&apos;s first month.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Month</th>
                    <th scope="col">Opening balance</th>
                    <th scope="col">Closing balance</th>
                    <th scope="col">Movements</th>
                  </tr>
                </thead>
                <tbody>
                  {statements.map((s) => (
                    <tr key={s.month}>
                      <td>
                        <Link to={`/accounts/${id}/statements/${s.month}`}>Statement {s.month}</Link>
                      </td>
                      <td>{s.openingBalance}</td>
                      <td>{s.closingBalance}</td>
                      <td>{s.lines}</td>
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
