// Throttled authentication failures: a client address that presents bad credentials (a bearer token
// that is not ours, a session cookie that names no session) too often is refused for the rest of the
// window, before its credentials are looked at, so tokens cannot be guessed at speed. Requests that
// authenticate never count, and a request with no credentials at all is a plain 401 that does not count.
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { HttpError, unauthorized } from './errors';
import { defaultLimits, type SecurityLimits } from './security';

const WINDOW_MS = 15 * 60_000;

const addressOf = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

const tooMany = (limit: number, resetTime: Date | undefined) => {
  const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : WINDOW_MS / 1000;
  return new HttpError(429, 'rate_limited', `More than ${limit} failed sign-ins from this address; retry after ${seconds} s`, [], seconds);
};

export function authThrottle(limits: SecurityLimits = {}) {
  const limit = limits.authFailuresPer15Minutes ?? defaultLimits.authFailuresPer15Minutes;
  // Called only on a failure: each call counts one; past the limit its handler answers 429.
  const countFailure = rateLimit({
    windowMs: WINDOW_MS,
    limit,
    keyGenerator: addressOf,
    standardHeaders: false,
    legacyHeaders: false,
    handler: (req, _res, next) => next(tooMany(limit, (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime)),
  });
  return {
    /** 429 when the address has used up its failures in this window; nothing otherwise. */
    async refused(req: Request): Promise<HttpError | undefined> {
      if (limit === 0) return undefined;
      const seen = await countFailure.getKey(addressOf(req));
      return seen && seen.totalHits >= limit && (!seen.resetTime || seen.resetTime > new Date())
        ? tooMany(limit, seen.resetTime)
        : undefined;
    },
    /** Counts this failure: 401, or 429 when it is one past the limit. */
    failed(req: Request, res: Response, next: NextFunction): void {
      if (limit === 0) return next(unauthorized());
      void countFailure(req, res, (err?: unknown) => next(err ?? unauthorized()));
    },
  };
}

export type AuthThrottle = ReturnType<typeof authThrottle>;
