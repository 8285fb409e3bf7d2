// What every capability's schemas share: zod extended with .openapi(), the error body of every 4xx/5xx, and
// the one validation vocabulary of the API's edge (issue 24): ids, dates, amounts, emails and text that
// Postgres and SMTP accept as they are, so nothing a workflow's activity will be refused reaches it.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { isIsoDate } from '../../domain/calendar';
import type { FieldError } from '../errors';

extendZodWithOpenApi(z);

export { z };

export const fieldErrorSchema = z.object({ field: z.string(), message: z.string() });
export const errorSchema = z
  .object({ error: z.string(), message: z.string(), errors: z.array(fieldErrorSchema).optional() })
  .openapi('Error');

/** Every list is a page: `limit` (at most 200) and `offset` in the query, echoed in the answer beside the items. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type Page = z.output<typeof pageQuery>;

/** The answer's shape for a page of `items` under the given key, e.g. `pageOf('accounts', accountRow)`. */
export const pageOf = <K extends string, T extends z.ZodType>(key: K, item: T) =>
  z.object({ [key]: z.array(item), limit: z.number().int(), offset: z.number().int() } as { [P in K]: z.ZodArray<T> } & {
    limit: z.ZodNumber;
    offset: z.ZodNumber;
  });

/**
 * The program's dates: far enough either side of any program date, and inside what every layer computes
 * alike (Postgres refuses year 0000, `Date.UTC` reads 0001–0099 as 19xx, 9999-12-31 plus days is no date).
 */
export const PROGRAM_DATES = { first: '2000-01-01', last: '2099-12-31' } as const;
const inProgram = (day: string) => day >= PROGRAM_DATES.first && day <= PROGRAM_DATES.last;
const dateMessage = `a calendar date as YYYY-MM-DD, from ${PROGRAM_DATES.first} to ${PROGRAM_DATES.last}`;

export const isoDate = z
  .string()
  .refine((d) => isIsoDate(d) && inProgram(d), dateMessage)
  .openapi({ format: 'date' });
/** An instant in UTC (`…Z`), on a program date. */
export const isoDateTime = z.iso
  // Not a date-time at all: that alone is said, not the range as well.
  .datetime({ abort: true })
  .refine((t) => inProgram(t.slice(0, 10)), `an ISO date-time in UTC (…Z), from ${PROGRAM_DATES.first} to ${PROGRAM_DATES.last}`);

/** A USD amount as `numeric(16,2)` holds it (bookings): 0 ≤ amount < 10^14, in cents at most. */
export const usd = z
  .number()
  .finite()
  .nonnegative()
  .lt(1e14, 'less than 100000000000000 (the column holds 14 digits before the cents)')
  .refine((x) => Number(x.toFixed(2)) === x, 'at most two decimals (cents)');
/** The largest Postgres `integer` (credits, counts, USD payments): larger fails the insert. */
export const INT4_MAX = 2_147_483_647;

/**
 * An address SMTP takes for delivery (RFC 5321 §4.5.3.1): at most 64 characters before the @ and 254 in
 * all (so the domain is within its 255). A longer one is refused for good (501) when the notice is sent.
 */
export const email = z
  .email()
  .max(254, 'at most 254 characters (RFC 5321)')
  .refine((e) => e.lastIndexOf('@') <= 64, 'at most 64 characters before the @ (RFC 5321)');

export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US');

/** An id people give (account, company, group, partner, customer, use case, metric). */
export const businessId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash or underscore');
/** An id this service mints (lots, redemptions, requests, certifications): may hold a colon. */
export const mintedId = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, dot, colon, dash or underscore');

// Issue 24: every string the API accepts, object keys too, must be text Postgres stores as it is: `text`
// refuses U+0000, `jsonb` also refuses a lone UTF-16 surrogate (and `text` would turn it into U+FFFD).
const NUL = '\u0000';
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string is no text (undefined: it is). */
function flaw(s: string): string | undefined {
  if (s.includes(NUL)) return 'holds the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'holds a lone UTF-16 surrogate (not a character)';
}

/** A key as the field that names it can show it: its NUL and lone surrogates written as \u escapes. */
const UNSHOWN = new RegExp(`${LONE_SURROGATE.source}|\\u0000`, 'g');
const shown = (key: string) => key.replace(UNSHOWN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Each string in a parsed request part (params, query or body) that is no text, keys and values, named by
 * its path as zod names fields (`details.note`, `readings.0.metric`).
 */
export function textProblems(value: unknown, path: string[] = []): FieldError[] {
  const field = (at: string[]) => at.join('.') || '(body)';
  if (typeof value === 'string') {
    const why = flaw(value);
    return why ? [{ field: field(path), message: `a string that ${why}` }] : [];
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, member]) => {
    const why = flaw(key);
    const at = [...path, shown(key)];
    return why ? [{ field: field(at), message: `a key that ${why}` }] : textProblems(member, at);
  });
}
