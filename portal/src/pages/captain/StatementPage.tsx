import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { Empty, Facts, Loaded, Page } from '../../components/layout';

type Line = { on: string; lotId: string; kind: string; credits: number; reason: string; late?: true };

/** The statement's lines as CSV, quoted where a value needs it. */
function csvOf(lines: Line[]): string {
  const cell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const rows = [
    ['on', 'lotId', 'kind', 'credits', 'reason', 'late'],
    ...lines.map((l) => [l.on, l.lotId, l.kind, l.credits, l.reason, l.late ? 'yes' : '']),
  ];
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** A month's statement of the account, to read here or download as CSV. */
export function StatementPage() {
  const { id = '', month = '' } = useParams();
  const statement = useQuery({
    queryKey: ['statement', id, month],
    queryFn: () => ok(api.GET('/v1/accounts/{id}/statements/{month}', { params: { path: { id, month } } })),
  });
  return (
    <Page title={`Statement ${month} for ${id}`}>
      <Loaded query={statement}>
        {(s) => (
          <>
            <p>
              <a href={`data:text/csv;charset=utf-8,${encodeURIComponent(csvOf(s.lines))}`} download={`statement-${id}-${month}.csv`}>
                Download as CSV
              </a>
            </p>
            <Facts
              items={[
                ['Opening balance', s.openingBalance],
                ['Closing balance', s.closingBalance],
              ]}
            />
            {s.lines.length === 0 ? (
              <Empty>No movements this month.</Empty>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Date</th>
                      <th scope="col">Lot</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Credits</th>
                      <th scope="col">Reason</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.lines.map((l, i) => (
                      <tr key={i}>
                        <td>{l.on}</td>
                        <td>{l.lotId}</td>
                        <td>{l.kind}</td>
                        <td>{l.credits}</td>
                        {/* CLC-8: an entry of an earlier month that its own statement could not show */}
                        <td>{l.late ? `${l.reason} (recorded late)` : l.reason}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}
