// One error hierarchy for the API: each knows its HTTP status and how it is shown as JSON. What other
// layers throw (Temporal, domain refusals, an unreachable dependency) becomes one of these in
// api/errorHandler.ts, the one place that maps failures to answers.

export interface FieldError {
  field: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    /** Seconds after which a retry may succeed (Retry-After), for a 503. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  toJSON() {
    return { error: this.code, message: this.message, ...(this.errors.length ? { errors: this.errors } : {}) };
  }
}

export const badRequest = (errors: FieldError[]) => new HttpError(400, 'invalid_request', 'The request is malformed', errors);
export const unauthorized = () => new HttpError(401, 'unauthorized', 'A valid bearer token is required');
export const forbidden = (message = 'Your role may not do this') => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, errors: FieldError[] = []) => new HttpError(409, 'conflict', message, errors);
export const unprocessable = (message: string, errors: FieldError[]) => new HttpError(422, 'rule_violation', message, errors);
export const unavailable = (message: string, errors: FieldError[] = [], retryAfter = 5) =>
  new HttpError(503, 'unavailable', message, errors, retryAfter);
