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

interface Spec {
  title: string;
  headers: string[];
  load: () => Promise<Row[]>;
}

const QUEUES: Spec[] = [
  {
    title: 'Reissue requests to decide',
    headers: ['Request', 'Lot', 'Balance', 'Expires', 'Asked'],
    load: async () =>
      (await ok(api.GET('/v1/queues/extension-requests'))).extensionRequests.map((r) => ({
        key: r.id,
        cells: [<Link to="/ops/extension-requests">{r.id}</Link>, r.lotId, r.balance, r.expiresOn, r.requestedOn],
        ...link(r),
      })),
  },
  {
    title: 'Holds releasing this week',
    headers: ['Redemption', 'Account', 'Credits', 'Released on'],
    load: async () =>
      (await ok(api.GET('/v1/queues/holds-releasing'))).redemptions.map((r) => ({
        key: r.id,
        cells: [r.id, r.accountId, r.credits, r.holdUntil],
        ...link(r),
      })),
  },
  {
    title: 'Nominations waiting for terms',
    headers: ['Account', 'Team Captain', 'Nominated', 'Terms'],
    load: async () =>
      (await ok(api.GET('/v1/queues/nominations-waiting'))).accounts.map((a) => ({
        key: a.id,
        cells: [<Link to={`/accounts/${a.id}`}>{a.id}</Link>, a.captainName, a.nominatedOn, a.termsVersion],
        ...link(a),
      })),
  },
  {
    // LOY-6, LOY-11: a year not on record is never counted as $0: the tier and the next award wait for it.
    title: 'Bookings missing',
    headers: ['Account', 'Fiscal years', 'Asked', 'Award waiting'],
    load: async () =>
      (await ok(api.GET('/v1/queues/bookings-missing'))).accounts.map((a) => ({
        key: a.id,
        cells: [
          <Link to={`/accounts/${a.id}`}>{a.id}</Link>,
          a.missingBookings.map((fy) => `FY${fy}`).join(', '),
          a.askedOn,
          a.nextAwardDate ?? '—',
        ],
        ...link(a),
      })),
  },
  {
    title: 'Certifications in Re-Cert',
    headers: ['Certification', 'Anniversary', 'Lost after', 'Within 7 days of loss'],
    load: async () =>
      (await ok(api.GET('/v1/queues/certifications-due'))).certifications.map((c) => ({
        key: c.id,
        cells: [
          <Link to={`/certifications/${c.id}`}>{c.id}</Link>,
          c.anniversary,
          c.lapsesOn,
          c.losingWithinWeek ? 'Yes: lost within 7 days' : 'No',
        ],
        ...link(c),
      })),
  },
  {
    title: 'Extensions ending',
    headers: ['Lot', 'Account', 'Balance', 'Extended to'],
    load: async () =>
      (await ok(api.GET('/v1/queues/extensions-ending'))).lots.map((l) => ({
        key: l.lotId,
        cells: [l.lotId, l.accountId, l.balance, l.extendedTo],
        ...link(l),
      })),
  },
  {
    title: 'Engagements near expiry',
    headers: ['Engagement', 'Partner', 'Customer', 'Phase', 'Phase ends'],
    load: async () =>
      (await ok(api.GET('/v1/queues/engagements-near-expiry'))).engagements.map((e) => ({
        key: e.id,
        cells: [e.id, e.partnerId, e.customerId, e.phase, e.deadline],
        ...link(e),
      })),
  },
];

function LoadedQueue({ spec }: { spec: Spec }) {
  const query = useQuery({ queryKey: ['queue', spec.title], queryFn: spec.load });
  return <Queue title={spec.title} headers={spec.headers} query={query} />;
}

/** Ops' work queues, each row linked to its workflow's history in the Temporal Web UI. */
export function OpsHome() {
  return (
    <Page title="Work queues">
      {QUEUES.map((spec) => (
        <LoadedQueue key={spec.title} spec={spec} />
      ))}
    </Page>
  );
}
