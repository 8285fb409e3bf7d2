import { z } from './common';

/** GET /v1/me: who is signed in, in the holder's terms, and the CSRF token a cookie session must send back. */
export const meSchema = z
  .object({
    role: z.enum(['team-captain', 'partner', 'account-manager', 'ops', 'telemetry']),
    name: z.string(),
    email: z.string().optional(),
    ccoId: z.string().optional(),
    partnerId: z.string().optional(),
    amId: z.string().optional(),
    csrfToken: z.string().openapi({
      description: 'Send as X-CSRF-Token on every non-GET /v1 request of a cookie session; empty for a bearer caller, who needs none',
    }),
  })
  .openapi('Me');
