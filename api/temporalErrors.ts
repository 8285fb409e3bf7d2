import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { failureTypes } from '../workflows/definitions';
import { conflict, forbidden, HttpError, notFound, unprocessable, type FieldError } from './errors';

/** Maps what Temporal says about a workflow call to the API's errors; anything else is re-thrown. */
export function fromTemporal(err: unknown, what: string): unknown {
  if (err instanceof WorkflowNotFoundError) return notFound(what);
  if (err instanceof WorkflowExecutionAlreadyStartedError) return conflict(`${what} already exists`);
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  if (failure instanceof ApplicationFailure) {
    const fields = (failure.details ?? []).filter(
      (d): d is Partial<FieldError> & { field: string } => typeof d === 'object' && d !== null && 'field' in d,
    );
    switch (failure.type) {
      case failureTypes.conflict:
        return conflict(failure.message);
      case failureTypes.forbidden:
        return forbidden(failure.message);
      case failureTypes.invalid:
        return unprocessable(
          failure.message,
          fields.map((f) => ({ field: f.field, message: f.message ?? failure.message })),
        );
    }
  }
  return err instanceof HttpError ? err : err;
}
