import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { Empty, Loaded, Page, WorkflowLink } from '../../components/layout';

type Row = { key: string; cells: ReactNode[]; workflowId: string; workflowUrl: string | null };

function Queue({
  title,
  headers,
  query,
}: {
  title: string;
  headers: string[];
  query: { data?: Row[]; error: unknown; isPending: boolean };
}) {
  const id = title.toLowerCase().replace(/[^a-z]+/g, '-');
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <Loaded query={query}>
        {(rows) =>
          rows.length === 0 ? (
            <Empty>Nothing here.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    {headers.map((h) => (
                      <th key={h} scope="col">
                        {h}
                      </th>
                    ))}
                    <th scope="col">History</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.key}>
                      {r.cells.map((c, i) => (
                        <td key={i}>{c}</td>
                      ))}
                      <td>
                        <WorkflowLink id={r.workflowId} url={r.workflowUrl} />
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

const link = (w: { workflowId: string; workflowUrl: string | null }) => ({ workflowId: w.workflowId, workflowUrl: w.workflowUrl });

/** Ops' work queues, each row linked to its workflow's history in the Temporal Web UI. */
export function OpsHome() {
  const reissues = useQuery({
    queryKey: ['queue', 'reissues'],
    queryFn: async () =>
      (await ok(api.GET('/v1/queues/extension-requests'))).extensionRequests.map((r) => ({
        key: r.id,
        cells: [<Link to="/ops/extension-requests">{r.id}</Link>, r.lotId, r.balance, r.expiresOn, r.requestedOn],
        ...link(r),
      })),
  });
  const holds = useQuery({
    queryKey: ['queue', 'holds'],
    queryFn: async () =>
      (await ok(api.GET('/v1/queues/holds-releasing'))).redemptions.map((r) => ({
        key: r.id,
        cells: [r.id, r.accountId, r.credits, r.holdUntil],
        ...link(r),
      })),
  });
  const nominations = useQuery({
    queryKey: ['queue', 'nominations'],
    queryFn: async () =>
      (await ok(api.GET('/v1/queues/nominations-waiting'))).accounts.map((a) => ({
        key: a.id,
        cells: [a.id, a.captainName, a.nominatedOn, a.termsVersion],
        ...link(a),
      })),
  });
  const certs = useQuery({
    queryKey: ['queue', 'certs'],
    queryFn: async () =>
      (await ok(api.GET('/v1/queues/certifications-due'))).certifications.map((c) => ({
        key: c.id,
        cells: [c.id, c.anniversary, c.lapsesOn, c.losingWithinWeek ? 'Yes: lost within 7 days' : 'No'],
        ...link(c),
      })),
  });
  const ending = useQuery({
    queryKey: ['queue', 'ending'],
    queryFn: async () =>
      (await ok(api.GET('/v1/queues/extensions-ending'))).lots.map((l) => ({
        key: l.lotId,
        cells: [l.lotId, l.accountId, l.balance, l.extendedTo],
        ...link(l),
      })),
  });
  return (
    <Page title="Work queues">
      <Queue title="Reissue requests to decide" headers={['Request', 'Lot', 'Balance', 'Expires', 'Asked']} query={reissues} />
      <Queue title="Holds releasing this week" headers={['Redemption', 'Account', 'Credits', 'Released on']} query={holds} />
      <Queue title="Nominations waiting for terms" headers={['Account', 'Team Captain', 'Nominated', 'Terms']} query={nominations} />
      <Queue
        title="Certifications in Re-Cert"
        headers={['Certification', 'Anniversary', 'Lost after', 'Within 7 days of loss']}
        query={certs}
      />
      <Queue title="Extensions ending" headers={['Lot', 'Account', 'Balance', 'Extended to']} query={ending} />
    </Page>
  );
}
