// What a Postgres error's SQLSTATE says about it (pg errors carry it as `.code`; knex keeps it).

export const UNIQUE_VIOLATION = '23505';

/** A Postgres error's refusal of the data itself, as ops and callers read it. */
export interface RefusedByPostgres {
  code: string;
  /** Postgres's own words, without the query knex puts in front (it may carry the values). */
  message: string;
  /** The column or constraint Postgres names, when it names one. */
  field?: string;
  detail?: string;
}

const sqlStateOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

export const isUniqueViolation = (err: unknown) => sqlStateOf(err) === UNIQUE_VIOLATION;

/**
 * Class 22 (data exception: a date out of range, a numeric field overflow, an invalid byte sequence) and class 23
 * (integrity constraint violation): the same value fails the same way on every retry, so it is refused, not retried.
 */
export function refusedByPostgres(err: unknown): RefusedByPostgres | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = sqlStateOf(e);
    if (!code || !(code.startsWith('22') || code.startsWith('23'))) continue;
    const pg = e as { message?: string; column?: string; constraint?: string; detail?: string };
    const text = String(pg.message ?? '');
    const message = text.slice(text.lastIndexOf(' - ') + (text.includes(' - ') ? 3 : 0));
    return { code, message, field: pg.column ?? pg.constraint, detail: pg.detail };
  }
}
