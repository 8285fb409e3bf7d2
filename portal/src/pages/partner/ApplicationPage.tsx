import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorSummary, Field } from '../../components/forms';
import { Page } from '../../components/layout';
import { NO_REQUIREMENTS, RequirementsFields, type Requirements } from './RenewalForm';

/** CERT-1: a Registered Partner applies in a country; every unmet requirement shows at its field, all at once. */
export function ApplicationPage() {
  const [country, setCountry] = useState('');
  const [r, setR] = useState<Requirements>(NO_REQUIREMENTS);
  const apply = useMutation({ mutationFn: () => ok(api.POST('/v1/certifications', { body: { country, requirements: r } })) });
  if (apply.data)
    return (
      <Page title="Applied">
        <p className="notice" role="status">
          Application {apply.data.certificationId} is with ops. <Link to={`/certifications/${apply.data.certificationId}`}>Open it</Link>
        </p>
      </Page>
    );
  return (
    <Page title="Apply for Premier Certification">
      <form onSubmit={(e) => (e.preventDefault(), apply.mutate())} noValidate>
        <ErrorSummary error={apply.error} />
        <Field name="country" label="Country" hint="Two-letter code, e.g. US" error={apply.error}>
          {(props) => <input {...props} value={country} onChange={(e) => setCountry(e.target.value.toUpperCase())} />}
        </Field>
        <RequirementsFields r={r} setR={setR} error={apply.error} />
        <button type="submit" disabled={apply.isPending}>
          Apply
        </button>
      </form>
    </Page>
  );
}
