// What every capability's schemas share: zod extended with .openapi(), and the error body of every 4xx/5xx.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };

export const fieldErrorSchema = z.object({ field: z.string(), message: z.string() });
export const errorSchema = z
  .object({ error: z.string(), message: z.string(), errors: z.array(fieldErrorSchema).optional() })
  .openapi('Error');
