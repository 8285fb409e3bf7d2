import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorSummary, Field } from '../../components/forms';
import { Facts, Loaded, Page } from '../../components/layout';
import { useMe } from '../../me';
import { CertificationOps } from '../ops/CertificationOps';
import { RenewalForm } from './RenewalForm';

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** CERT-5: the partner tells of its own non-compliance, with the day it became aware. */
function NoticeForm({ id }: { id: string }) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const [awareOn, setAwareOn] = useState(new Date().toISOString().slice(0, 10));
  const notify = useMutation({
    mutationFn: () =>
      ok(api.POST('/v1/certifications/{id}/non-compliance-notices', { params: { path: { id } }, body: { reason, awareOn } })),
    onSuccess: (state) => client.setQueryData(['certification', id], state),
  });
  return (
    <form onSubmit={(e) => (e.preventDefault(), notify.mutate())} noValidate>
      <h2>Report non-compliance</h2>
      <ErrorSummary error={notify.error} />
      <Field name="reason" label="What is not met" error={notify.error}>
        {(props) => <textarea {...props} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <Field name="awareOn" label="Aware since" error={notify.error}>
        {(props) => <input {...props} type="date" value={awareOn} onChange={(e) => setAwareOn(e.target.value)} />}
      </Field>
      <button type="submit" className="secondary" disabled={notify.isPending}>
        Send notice
      </button>
    </form>
  );
}

export function CertificationPage() {
  const { id = '' } = useParams();
  const ops = useMe().data?.role === 'ops';
  const cert = useQuery({
    queryKey: ['certification', id],
    queryFn: () => ok(api.GET('/v1/certifications/{id}', { params: { path: { id } } })),
  });
  return (
    <Page title={`Certification ${id}`}>
      <Loaded query={cert}>
        {(c) => (
          <>
            <Facts
              items={[
                ['State', c.state],
                ['Country', c.country],
                ['Certified on', c.certifiedOn],
                ['Anniversary', c.anniversary],
                ['Re-Cert window', c.anniversary ? `${addDays(c.anniversary, -90)} to ${addDays(c.anniversary, 30)}` : null],
                ['CSAT responses', c.csatResponses.map((m) => `${m.on}: ${m.count}`).join(', ') || 'none yet'],
                [
                  'CSAT measurements',
                  c.measurements.map((m) => `${m.on}: ${m.passed ? 'passed' : m.shortfalls.join('; ')}`).join(', ') || 'none yet',
                ],
                [
                  'Non-compliance',
                  c.nonCompliance
                    ? [c.nonCompliance, ...(c.nonCompliance.later ?? [])].map((x) => `${x.reason} (aware ${x.awareOn})`).join('; ')
                    : 'none',
                ],
                ['Extension until', c.nonCompliance?.extensionUntil ?? 'none'],
              ]}
            />
            {!ops && c.state === 're-cert' && <RenewalForm id={id} current={c.requirements} />}
            {!ops && (c.state === 'approved' || c.state === 're-cert') && !c.nonCompliance && <NoticeForm id={id} />}
            {ops && <CertificationOps cert={c} />}
          </>
        )}
      </Loaded>
    </Page>
  );
}
