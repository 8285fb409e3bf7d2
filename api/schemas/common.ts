// What every capability's schemas share: zod extended with .openapi(), and the error body of every 4xx/5xx.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

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
