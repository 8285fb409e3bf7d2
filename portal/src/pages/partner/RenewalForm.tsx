import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok } from '../../api/client';
import type { components } from '../../api/schema';
import { ErrorSummary, Field, GroupError } from '../../components/forms';

export type Requirements = components['schemas']['CertificationState']['requirements'];

const SPECIALIZATIONS = ['express-foundation', 'express-collaboration', 'advanced-architecture', 'advanced-technology'];
const SERVICES = [
  'cisco-cloud-service',
  'cisco-powered-cloud-service',
  'cisco-powered-managed-service',
  'cisco-based-partner-created-service',
];
const CHECKS: [keyof Requirements & string, string][] = [
  ['resaleAgreement', 'We hold a valid resale agreement'],
  ['customerService8x5', 'We give 8x5 customer service'],
  ['preSalesSupport', 'We give pre-sales support'],
  ['termsAccepted', 'We accept the program terms'],
];
const SERVICE_CHECKS: ['endCustomerSla' | 'description' | 'resaleLifecycleProcess', string][] = [
  ['endCustomerSla', 'The service has an end-customer SLA'],
  ['description', 'The service has a marketing or technical description'],
  ['resaleLifecycleProcess', 'The service has a resale lifecycle management process'],
];

type Service = NonNullable<Requirements['hybridItService']>;

function ServiceFields({ service, error, onChange }: { service: Service; error: unknown; onChange: (s: Service) => void }) {
  return (
    <fieldset>
      <legend>Hybrid IT service</legend>
      <Field name="hybridItService.type" label="Service type" error={error} also={['requirements.hybridItService.type']}>
        {(props) => (
          <select {...props} value={service.type} onChange={(e) => onChange({ ...service, type: e.target.value })}>
            <option value="">None</option>
            {SERVICES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        )}
      </Field>
      {SERVICE_CHECKS.map(([key, label]) => (
        <Field key={key} name={`hybridItService.${key}`} label={label} error={error} also={[`requirements.hybridItService.${key}`]}>
          {(props) => (
            <input {...props} type="checkbox" checked={service[key]} onChange={(e) => onChange({ ...service, [key]: e.target.checked })} />
          )}
        </Field>
      ))}
    </fieldset>
  );
}

const NO_SERVICE: Service = { type: '', endCustomerSla: false, description: false, resaleLifecycleProcess: false };

/** CERT-1: every requirement as an input, each showing its own unmet reason (renewal's or application's field names). */
export function RequirementsFields({ r, setR, error }: { r: Requirements; setR: (r: Requirements) => void; error: unknown }) {
  const toggleSpec = (s: string) =>
    setR({ ...r, specializations: r.specializations.includes(s) ? r.specializations.filter((x) => x !== s) : [...r.specializations, s] });
  return (
    <>
      <fieldset>
        <legend>Specializations</legend>
        {SPECIALIZATIONS.map((s) => (
          <Field key={s} name={`spec-${s}`} label={s} error={null}>
            {(props) => <input {...props} type="checkbox" checked={r.specializations.includes(s)} onChange={() => toggleSpec(s)} />}
          </Field>
        ))}
        <GroupError names={['specializations', 'requirements.specializations']} error={error} />
      </fieldset>
      <ServiceFields
        service={r.hybridItService ?? NO_SERVICE}
        error={error}
        onChange={(hybridItService) => setR({ ...r, hybridItService })}
      />
      {CHECKS.map(([key, label]) => (
        <Field key={key} name={key} label={label} error={error} also={[`requirements.${key}`]}>
          {(props) => (
            <input {...props} type="checkbox" checked={r[key] as boolean} onChange={(e) => setR({ ...r, [key]: e.target.checked })} />
          )}
        </Field>
      ))}
    </>
  );
}

export const NO_REQUIREMENTS: Requirements = {
  specializations: [],
  hybridItService: null,
  resaleAgreement: false,
  customerService8x5: false,
  preSalesSupport: false,
  termsAccepted: false,
};

/** CERT-3: renew in the window; every unmet requirement comes back at its own field. */
export function RenewalForm({ id, current }: { id: string; current: Requirements }) {
  const client = useQueryClient();
  const [r, setR] = useState<Requirements>(current);
  const renew = useMutation({
    mutationFn: () => ok(api.POST('/v1/certifications/{id}/renewal', { params: { path: { id } }, body: r })),
    onSuccess: (state) => client.setQueryData(['certification', id], state),
  });
  return (
    <form onSubmit={(e) => (e.preventDefault(), renew.mutate())} noValidate>
      <h2>Renew</h2>
      <ErrorSummary error={renew.error} />
      <RequirementsFields r={r} setR={setR} error={renew.error} />
      <button type="submit" disabled={renew.isPending}>
        Renew certification
      </button>
    </form>
  );
}
