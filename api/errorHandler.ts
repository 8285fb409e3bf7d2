import type { NextFunction, Request, Response } from 'express';
import { isGrpcServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { CreditRefusal } from '../db/credits';
import { RedemptionConflict } from '../services/creditsRedemptions';
import { failureTypes } from '../workflows/definitions';
import { certificationWorkflowId } from '../workflows/certificationDefinitions';
import { creditLotWorkflowId } from '../workflows/creditsDefinitions';
import { incentiveWorkflowId } from '../workflows/incentivesDefinitions';
import { loyaltyWorkflowId } from '../workflows/loyaltyDefinitions';
import { conflict, forbidden, HttpError, notFound, unavailable, unprocessable, type FieldError } from './errors';

// Every failure becomes its HTTP answer here, once: routes throw, they never translate.

/** What a workflow id names, for "Account X not found": each lifecycle's id is its prefix plus the resource id. */
const subjects: [prefix: string, noun: string][] = [
  [loyaltyWorkflowId(''), 'Account'],
  [creditLotWorkflowId(''), 'Lot'],
  [certificationWorkflowId(''), 'Certification'],
  [incentiveWorkflowId(''), 'Engagement'],
];
function subjectOf(workflowId: string): string {
  const match = subjects.find(([prefix]) => workflowId.startsWith(prefix));
  return match ? `${match[1]} ${workflowId.slice(match[0].length)}` : `Workflow ${workflowId}`;
}

/** The fields a refusal names (its details), each with its own words or the refusal's. */
function fieldsOf(failure: ApplicationFailure): FieldError[] {
  const fields = (failure.details ?? []).filter(
    (d): d is Partial<FieldError> & { field: string } => typeof d === 'object' && d !== null && 'field' in d,
  );
  return fields.map((f) => ({ field: f.field, message: f.message ?? failure.message }));
}

/** The failure type Temporal's server gives an accepted update whose run closed first. */
const UPDATE_OUTLIVED_RUN = 'AcceptedUpdateCompletedWorkflow';

function fromFailure(failure: ApplicationFailure): HttpError | undefined {
  switch (failure.type) {
    case failureTypes.conflict:
      // LOY-3: a conflict decided inside the workflow (a company another account claimed) names its field too.
      return conflict(failure.message, fieldsOf(failure));
    case failureTypes.forbidden:
      return forbidden(failure.message);
    case failureTypes.invalid:
      return unprocessable(failure.message, fieldsOf(failure));
    // Issue 24 finding 2: a value Postgres refused inside an activity; nothing was written.
    case failureTypes.refusedData:
      return unprocessable(failure.message, fieldsOf(failure));
    // Issue 24 finding 2: the server's answer to an update accepted by a run that closed before the update
    // answered (failed with a refusal, terminated): the request met a lifecycle that no longer runs.
    case UPDATE_OUTLIVED_RUN:
      return conflict('the workflow closed before it answered this request; read its state before trying again');
  }
}

/** The error and the causes it wraps (Temporal's ServiceError, Node's AggregateError of connection attempts). */
function* chain(err: unknown, depth = 0): Generator<unknown> {
  if (err === null || err === undefined || depth > 5) return;
  yield err;
  if (err instanceof AggregateError) for (const e of err.errors) yield* chain(e, depth + 1);
  if (err instanceof Error) yield* chain(err.cause, depth + 1);
}

const UNREACHABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// Postgres: connection exceptions (class 08), shutting down or starting (57P0x), too many connections.
const pgUnavailable = (code: string) => code.startsWith('08') || /^57P0[1-3]$/.test(code) || code === '53300';
// pg's own words for a connection lost under a query: plain Errors with neither a SQLSTATE nor a socket code
// (the socket closed while the query was on the wire, as when Postgres stops mid-request). Knex puts the
// query in front: "select … - Connection terminated unexpectedly".
const PG_CONNECTION_LOST =
  /(^| - )(Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)$/;
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** Which dependency does not answer, if that is what the error says. */
function unreachable(err: unknown): 'Temporal' | 'The database' | undefined {
  for (const e of chain(err)) {
    if (isGrpcServiceError(e) && (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED)) return 'Temporal';
    if (e instanceof Error && e.name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return 'Temporal';
    if (e instanceof Error && e.name === 'KnexTimeoutError') return 'The database';
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_SOCKET.has(code) || pgUnavailable(code))) return 'The database';
    if (e instanceof Error && code === undefined && PG_CONNECTION_LOST.test(e.message)) return 'The database';
  }
}

/** The HTTP answer to a failure; undefined for one that is ours (a bug: 500). */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof WorkflowNotFoundError) return notFound(subjectOf(err.workflowId));
  if (err instanceof WorkflowExecutionAlreadyStartedError) return conflict(`${subjectOf(err.workflowId)} already exists`);
  const failed = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  // An update whose own activity failed for good answers with that activity's failure.
  const failure = failed instanceof ActivityFailure ? failed.cause : failed;
  if (failure instanceof ApplicationFailure) {
    const mapped = fromFailure(failure);
    if (mapped) return mapped;
  }
  if (err instanceof CreditRefusal) return unprocessable(err.message, err.problems);
  if (err instanceof RedemptionConflict) return conflict(err.message, err.problems);
  // express.json() reports an unparsable body with a 4xx status: the caller's fault.
  const status = (err as { status?: unknown }).status;
  if ((err as { type?: unknown }).type === 'entity.too.large')
    return new HttpError(413, 'too_large', 'The body is larger than this operation accepts', [
      { field: '(body)', message: (err as Error).message },
    ]);
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new HttpError(status, 'invalid_request', 'The body is not valid JSON', [{ field: '(body)', message: (err as Error).message }]);
  const down = unreachable(err);
  if (down) return unavailable(`${down} is not answering; try again shortly`);
}

/** The app's last middleware: every failure answered as JSON, with its status; only a bug is a 500. */
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const http = toHttpError(err);
  if (http) {
    if (http.retryAfter !== undefined) res.setHeader('Retry-After', String(http.retryAfter));
    if (http.status >= 500) req.log.warn({ err }, http.message);
    res.status(http.status).json(http);
    return;
  }
  req.log.error({ err }, 'unhandled error');
  res.status(500).json({ error: 'internal', message: 'Something went wrong; the request id names it in the logs' });
}
