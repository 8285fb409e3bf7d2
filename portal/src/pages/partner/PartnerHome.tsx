import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { Empty, Loaded, Page } from '../../components/layout';

function Certifications() {
  const q = useQuery({ queryKey: ['my-certifications'], queryFn: () => ok(api.GET('/v1/my/certifications')) });
  return (
    <section aria-labelledby="certs-h">
      <h2 id="certs-h">My certifications</h2>
      <Loaded query={q}>
        {({ certifications }) =>
          certifications.length === 0 ? (
            <Empty>No certifications yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Certification</th>
                    <th scope="col">State</th>
                    <th scope="col">Re-Cert opens</th>
                    <th scope="col">Anniversary</th>
                    <th scope="col">Lost after</th>
                  </tr>
                </thead>
                <tbody>
                  {certifications.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link to={`/certifications/${c.id}`}>{c.id}</Link>
                      </td>
                      <td>{c.state}</td>
                      <td>{c.recertOpensOn ?? '—'}</td>
                      <td>{c.anniversary ?? '—'}</td>
                      <td>{c.lapsesOn ?? '—'}</td>
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

function Engagements() {
  const q = useQuery({ queryKey: ['my-engagements'], queryFn: () => ok(api.GET('/v1/my/engagements')) });
  return (
    <section aria-labelledby="eng-h">
      <h2 id="eng-h">My incentive engagements</h2>
      <Loaded query={q}>
        {({ engagements }) =>
          engagements.length === 0 ? (
            <Empty>No engagements yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Engagement</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Use case</th>
                    <th scope="col">State</th>
                    <th scope="col">Phase</th>
                    <th scope="col">Paid (USD)</th>
                  </tr>
                </thead>
                <tbody>
                  {engagements.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <Link to={`/engagements/${e.id}`}>{e.id}</Link>
                      </td>
                      <td>{e.customerId}</td>
                      <td>{e.useCaseId}</td>
                      <td>{e.state}</td>
                      <td>{e.phase ?? '—'}</td>
                      <td>{e.paidUsd}</td>
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

export function PartnerHome() {
  return (
    <Page title="Partner programs">
      <Certifications />
      <Engagements />
    </Page>
  );
}
