import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ok } from '../../api/client';
import type { components } from '../../api/schema';
import { ErrorSummary, Field } from '../../components/forms';
import { Loaded, Page } from '../../components/layout';

type Band = components['schemas']['TierTable']['bands'][number];
const now = new Date();
const CURRENT_FY = now.getUTCMonth() + 1 >= 8 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();

function Editor({ fy, bands: initial }: { fy: number; bands: Band[] }) {
  const client = useQueryClient();
  const [bands, setBands] = useState(initial);
  useEffect(() => setBands(initial), [initial]);
  const save = useMutation({
    mutationFn: () => ok(api.PUT('/v1/tier-tables/{fy}', { params: { path: { fy } }, body: { bands } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tier-table', fy] }),
  });
  const set = (i: number, key: keyof Band, value: string) =>
    setBands(bands.map((b, j) => (j === i ? { ...b, [key]: key === 'maxUsd' && value === '' ? null : Number(value) } : b)));
  return (
    <form onSubmit={(e) => (e.preventDefault(), save.mutate())} noValidate>
      <ErrorSummary error={save.error} />
      {save.isSuccess && (
        <p className="notice" role="status">
          Saved the FY{fy} table.
        </p>
      )}
      {bands.map((b, i) => (
        <fieldset key={b.tier}>
          <legend>Tier {b.tier}</legend>
          {(['minUsd', 'maxUsd', 'quarterlyCredits'] as const).map((key) => (
            <Field key={key} name={`bands.${i}.${key}`} label={`Tier ${b.tier} ${key}`} error={save.error}>
              {(props) => <input {...props} type="number" value={b[key] ?? ''} onChange={(e) => set(i, key, e.target.value)} />}
            </Field>
          ))}
        </fieldset>
      ))}
      <button type="submit" disabled={save.isPending}>
        Save FY{fy} table
      </button>
    </form>
  );
}

/** LOY-5: ops read and replace a fiscal year's tier table. */
export function TierTables() {
  const [fy, setFy] = useState(CURRENT_FY);
  const table = useQuery({
    queryKey: ['tier-table', fy],
    queryFn: () => ok(api.GET('/v1/tier-tables/{fy}', { params: { path: { fy } } })),
  });
  return (
    <Page title="Tier tables">
      <Field name="fy" label="Fiscal year" error={null}>
        {(props) => <input {...props} type="number" value={fy} onChange={(e) => setFy(Number(e.target.value))} />}
      </Field>
      <Loaded query={table}>
        {(t) => (
          <>
            <p>
              {t.effectiveFrom === fy
                ? `FY${fy} has its own table.`
                : `FY${fy} uses the FY${t.effectiveFrom} table; saving gives it its own.`}
            </p>
            <Editor fy={fy} bands={t.bands} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
