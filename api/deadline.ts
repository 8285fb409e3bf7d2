import type { RequestHandler, Response } from 'express';
import { errorHandler } from './errorHandler';
import { unavailable } from './errors';

// What a late handler would call to answer: once the deadline has answered, these do nothing.
const ANSWERING = ['status', 'location', 'json', 'type', 'attachment', 'send', 'set', 'header', 'setHeader'] as const;

/**
 * Every request is answered within `ms`: a handler still waiting then (on a database that is down, an
 * activity retrying behind a workflow update) gets 503 with Retry-After instead of holding the caller, whose
 * own timeout would leave it not knowing either way. The handler runs on; what it commits a retry with the
 * same Idempotency-Key finds (ALL-4). Its late answer is dropped, so the caller never sees two.
 */
export function deadline(ms: number): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      errorHandler(
        unavailable(`No answer within ${ms / 1000} s; it may still be done: retry with the same Idempotency-Key`),
        req,
        res,
        next,
      );
      const silent = res as unknown as Record<(typeof ANSWERING)[number], () => Response>;
      for (const method of ANSWERING) silent[method] = () => res;
    }, ms);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
