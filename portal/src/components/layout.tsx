import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

/** A page: its one h1 and content, under the shared header. */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  return (
    <>
      <h1>{title}</h1>
      {children}
    </>
  );
}

/** Loading, a refusal, or the content once its data is there. */
export function Loaded<T>({
  query,
  children,
}: {
  query: { data?: T; error: unknown; isPending: boolean };
  children: (data: T) => ReactNode;
}) {
  if (query.error)
    return (
      <p role="alert" className="error-summary">
        {query.error instanceof Error ? query.error.message : 'Could not load'}
      </p>
    );
  if (query.isPending || query.data === undefined) return <p aria-live="polite">Loading…</p>;
  return <>{children(query.data)}</>;
}

/** Opens the entity's workflow history in the Temporal Web UI, when one is configured. */
export function WorkflowLink({ url, id }: { url: string | null; id: string }) {
  if (!url) return <span className="muted">{id}</span>;
  return (
    <a href={url} target="_blank" rel="noreferrer">
      Workflow {id}
      <span className="visually-hidden"> (opens the Temporal Web UI in a new tab)</span>
    </a>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted">{children}</p>;
}

export function RowLink({ to, children }: { to: string; children: ReactNode }) {
  return <Link to={to}>{children}</Link>;
}

/** Definition list of label → value, the summary block of a page. */
export function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}
