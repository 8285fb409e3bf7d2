import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { Facts, Loaded, Page } from '../../components/layout';

/** LCI-2: an engagement's phases, the latest telemetry against each goal, and the payments made. */
export function EngagementPage() {
  const { id = '' } = useParams();
  const q = useQuery({ queryKey: ['engagement', id], queryFn: () => ok(api.GET('/v1/engagements/{id}', { params: { path: { id } } })) });
  return (
    <Page title={`Engagement ${id}`}>
      <Loaded query={q}>
        {(e) => (
          <>
            <Facts
              items={[
                ['Customer', e.customerId],
                ['Use case', e.useCase.name],
                ['State', e.state],
                ['Phase started', e.phaseStartedOn],
                ['Phase deadline', e.deadline],
              ]}
            />
            <h2>Phases and goals</h2>
            <ol>
              {e.useCase.phases.map((p, i) => (
                <li key={p.name} aria-current={i === e.phaseIndex ? 'step' : undefined}>
                  <strong>{p.name}</strong> {i < e.phaseIndex ? '(met)' : i === e.phaseIndex ? '(current)' : ''}
                  <ul>
                    {p.goals.map((g) => (
                      <li key={g.metric}>
                        {g.metric} {g.comparison} {g.threshold}: now {e.latest[g.metric]?.value ?? 'no reading'}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ol>
            <h2>Payments</h2>
            {e.payments.length === 0 ? (
              <p className="muted">None yet.</p>
            ) : (
              <ul>
                {e.payments.map((p) => (
                  <li key={p.phase}>
                    {p.phase}: {p.amountUsd} USD on {p.approvedOn}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}
