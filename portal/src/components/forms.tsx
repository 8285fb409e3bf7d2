import type { ReactNode } from 'react';
import { ApiError, type FieldError } from '../api/client';

/** The reasons of a refusal, by field: each form shows its own at the input it names. */
export function reasonsOf(error: unknown): FieldError[] {
  if (error instanceof ApiError) return error.errors.length ? error.errors : [{ field: '', message: error.message }];
  return error ? [{ field: '', message: error instanceof Error ? error.message : String(error) }] : [];
}

const fieldId = (name: string) => `field-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** Every reason, all at once, at the top of the form; a screen reader hears it when it appears. */
export function ErrorSummary({ error }: { error: unknown }) {
  const reasons = reasonsOf(error);
  if (!reasons.length) return null;
  return (
    <div role="alert" className="error-summary">
      <h2>{reasons.length === 1 ? 'One thing to fix' : `${reasons.length} things to fix`}</h2>
      <ul>
        {reasons.map((r, i) => (
          <li key={i}>{r.field ? <a href={`#${fieldId(r.field)}`}>{`${r.field}: ${r.message}`}</a> : r.message}</li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  error: unknown;
  /** Further API field names whose reasons belong at this input (e.g. `company` for `company.country`). */
  also?: string[];
  hint?: string;
  children: (props: { id: string; name: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}

/** A labelled input with the API's reasons for its field beneath it. */
export function Field({ name, label, error, also = [], hint, children }: FieldProps) {
  const id = fieldId(name);
  const mine = reasonsOf(error).filter((r) => r.field === name || also.includes(r.field));
  const described = [hint && `${id}-hint`, mine.length && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className={`field${mine.length ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {children({ id, name, 'aria-invalid': mine.length > 0, ...(described ? { 'aria-describedby': described } : {}) })}
      {mine.length > 0 && (
        <p id={`${id}-error`} className="field-error">
          {mine.map((r) => r.message).join('; ')}
        </p>
      )}
    </div>
  );
}

/** The reasons for a field that is a group of inputs (e.g. the specializations' checkboxes). */
export function GroupError({ names, error }: { names: string[]; error: unknown }) {
  const mine = reasonsOf(error).filter((r) => names.includes(r.field));
  if (!mine.length) return null;
  return (
    <p id={fieldId(names[0]!)} className="field-error">
      {mine.map((r) => r.message).join('; ')}
    </p>
  );
}
