// The portal's API client: typed by schema.d.ts, generated from the service's own OpenAPI document, so a
// change to a route's schema breaks the portal's build instead of its users.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type FieldError = { field: string; message: string };
export type ErrorBody = components['schemas']['Error'];

/** A refusal from the API, with every reason it gave (`errors`, each naming a field). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ErrorBody>,
  ) {
    super(body.message ?? `The service answered ${status}`);
  }
  get errors(): FieldError[] {
    return this.body.errors ?? [];
  }
}

let csrfToken = '';
/** Session callers send it on every change (the contract's CSRF rule); bearer callers need none. */
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
});

/** The data of an answer, or its refusal thrown as an ApiError (TanStack Query shows it). */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined) throw new ApiError(response.status, (error ?? {}) as Partial<ErrorBody>);
  return data;
}
