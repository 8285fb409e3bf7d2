import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, ok } from '../../api/client';
import type { components, paths } from '../../api/schema';
import { ErrorSummary, Field } from '../../components/forms';

type Cert = components['schemas']['CertificationState'];
type Command = 'decision' | 'csat-responses' | 'extension' | 'compliance' | 'revocation';
/** The body a command's path declares (api/schemas/certification.ts through the generated client). */
type Declared<C extends Command> = NonNullable<paths[`/v1/certifications/{id}/${C}`]['post']['requestBody']>['content']['application/json'];
/**
 * What a command's form sends: that body, a field left blank sent as null for the API to name. An empty body is
 * `{}`, not the generated `Record<string, never>`: TypeScript would report another form's wrong field against
 * that index signature ("Type 'string' is not assignable to type 'never'"), naming no field.
 */
type BodyOf<C extends Command> =
  Declared<C> extends Record<string, never> ? Record<never, never> : { [K in keyof Declared<C>]: Declared<C>[K] | null };
type Sent = { [C in Command]: { command: C; body: BodyOf<C>; done: string } }[Command];

/** One mutation per form, so each refusal shows at its own form's fields. */
function useCommand(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ command, body }: Sent) =>
      // The five paths share one shape and one answer; each form's body is checked against its own path by Sent,
      // so only this dispatch is told the path (and a blank field's null) is the one it is.
      ok(
        api.POST(`/v1/certifications/{id}/${command}` as '/v1/certifications/{id}/extension', {
          params: { path: { id } },
          body: body as never,
        }),
      ),
    onSuccess: (state) => client.setQueryData(['certification', id], state),
  });
}

type Run = UseMutationResult<Cert, Error, Sent>;

function OpsForm({ title, run, onSubmit, children }: { title: string; run: Run; onSubmit: () => void; children: ReactNode }) {
  const hid = `ops-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <form onSubmit={(e) => (e.preventDefault(), onSubmit())} noValidate aria-labelledby={hid}>
      <h2 id={hid}>{title}</h2>
      <ErrorSummary error={run.error} />
      {run.isSuccess && (
        <p className="notice" role="status">
          {run.variables.done}
        </p>
      )}
      {children}
    </form>
  );
}

/** CERT-1: ops approve or refuse an application. */
function Decide({ id }: { id: string }) {
  const run = useCommand(id);
  const decide = (approve: boolean) =>
    run.mutate({ command: 'decision', body: { approve }, done: approve ? 'Application approved.' : 'Application refused.' });
  return (
    <OpsForm title="Decide the application" run={run} onSubmit={() => decide(true)}>
      <button type="submit" disabled={run.isPending}>
        Approve
      </button>{' '}
      <button type="button" className="secondary" disabled={run.isPending} onClick={() => decide(false)}>
        Refuse
      </button>
    </OpsForm>
  );
}

/**
 * CERT-4: survey responses as counted, the day they were received (they count on that day, however late they
 * are entered; today unless changed), and whether that measurement period's Low Score Follow-Up is done.
 */
function Csat({ id }: { id: string }) {
  const run = useCommand(id);
  const [count, setCount] = useState('');
  const [receivedOn, setReceivedOn] = useState(new Date().toISOString().slice(0, 10));
  const [followUp, setFollowUp] = useState(false);
  const send = () =>
    run.mutate({
      command: 'csat-responses',
      body: { count: count.trim() === '' ? null : Number(count), receivedOn, lowScoreFollowUpDone: followUp },
      done: 'CSAT responses recorded.',
    });
  return (
    <OpsForm title="Record CSAT responses" run={run} onSubmit={send}>
      <Field name="count" label="Responses" error={run.error}>
        {(props) => <input {...props} type="number" inputMode="numeric" min={1} value={count} onChange={(e) => setCount(e.target.value)} />}
      </Field>
      <Field name="receivedOn" label="Received on" error={run.error}>
        {(props) => <input {...props} type="date" value={receivedOn} onChange={(e) => setReceivedOn(e.target.value)} />}
      </Field>
      <Field name="lowScoreFollowUpDone" label="Low Score Follow-Up done for that period" error={run.error}>
        {(props) => <input {...props} type="checkbox" checked={followUp} onChange={(e) => setFollowUp(e.target.checked)} />}
      </Field>
      <button type="submit" className="secondary" disabled={run.isPending}>
        Record responses
      </button>
    </OpsForm>
  );
}

/** CERT-5: more time to become compliant again, or its confirmation. */
function Compliance({ id, extensionUntil }: { id: string; extensionUntil: string | null }) {
  const run = useCommand(id);
  const [until, setUntil] = useState(extensionUntil ?? '');
  return (
    <OpsForm
      title="Compliance extension"
      run={run}
      onSubmit={() => run.mutate({ command: 'extension', body: { until }, done: `Extension granted until ${until}.` })}
    >
      <Field name="until" label="Extension until" error={run.error}>
        {(props) => <input {...props} type="date" value={until} onChange={(e) => setUntil(e.target.value)} />}
      </Field>
      <button type="submit" disabled={run.isPending}>
        Grant extension
      </button>{' '}
      <button
        type="button"
        className="secondary"
        disabled={run.isPending}
        onClick={() => run.mutate({ command: 'compliance', body: {}, done: 'Recorded as compliant.' })}
      >
        Mark compliant
      </button>
    </OpsForm>
  );
}

/** CERT-5: revocation is always ops' decision, with its reason. */
function Revoke({ id }: { id: string }) {
  const run = useCommand(id);
  const [reason, setReason] = useState('');
  return (
    <OpsForm
      title="Revoke"
      run={run}
      onSubmit={() => run.mutate({ command: 'revocation', body: { reason }, done: 'Certification revoked.' })}
    >
      <Field name="reason" label="Reason for revocation" error={run.error}>
        {(props) => <textarea {...props} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <button type="submit" disabled={run.isPending}>
        Revoke certification
      </button>
    </OpsForm>
  );
}

/** What ops decide on a certification, each offered in the states the workflow accepts it in. */
export function CertificationOps({ cert }: { cert: Cert }) {
  const live = cert.state === 'approved' || cert.state === 're-cert';
  return (
    <>
      {cert.state === 'applied' && <Decide id={cert.id} />}
      {live && <Csat id={cert.id} />}
      {live && cert.nonCompliance && <Compliance id={cert.id} extensionUntil={cert.nonCompliance.extensionUntil} />}
      {live && <Revoke id={cert.id} />}
    </>
  );
}
