// Hardening at the edge: security headers, bounded request bodies and per-caller limits on writes.
import express, { type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { createHash } from 'node:crypto';
import { actorOf } from './auth';
import { HttpError } from './errors';

export interface SecurityLimits {
  /** Writes (POST, PUT, DELETE) a caller may make per minute; 0 turns the limit off. */
  writesPerMinute?: number;
  /** The largest JSON body of an ordinary request, in KiB. */
  bodyLimitKb?: number;
  /** Failed authentications a client address may make per 15 minutes (api/authThrottle.ts); 0: no limit. */
  authFailuresPer15Minutes?: number;
}

export const defaultLimits = { writesPerMinute: 6000, bodyLimitKb: 64, authFailuresPer15Minutes: 50 } as const;

/**
 * The operations whose bodies are bulk by design get room for what their schemas allow: a telemetry
 * batch holds up to 10,000 readings, a success plan up to 200,000 characters.
 */
const bulkBodies: [path: string, limit: string][] = [
  ['/v1/telemetry', '4mb'],
  ['/v1/engagements/:id/success-plan', '1mb'],
];

/**
 * Helmet's headers with a CSP for what this origin serves itself: /docs (swagger-ui from
 * /docs/assets, which sets inline styles and data: images) and the portal under /app (its own scripts
 * and styles). No inline scripts anywhere. No `upgrade-insecure-requests`: the service is reached over
 * plain HTTP on a developer's machine, where an upgrade would break every asset.
 */
export function securityHeaders(formTargets: string[] = []): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        // The sign-in issuer's origin: signing out is a form post whose redirect ends the issuer's session.
        'form-action': ["'self'", ...formTargets],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
    // The same as frame-ancestors 'none', for browsers that only know the older header.
    xFrameOptions: { action: 'deny' },
  });
}

/**
 * Postgres text cannot hold U+0000: a string with it would fail at the INSERT as a 500, so the body is
 * refused as it is parsed (400, api/errorHandler.ts), before anything is written.
 */
const refuseNul = (_key: string, value: unknown) => {
  if (typeof value === 'string' && value.includes('\u0000')) throw new SyntaxError('A string holds the NUL character (\\u0000)');
  return value;
};

/** JSON bodies, bounded: 413 with the JSON error body past the limit (api/errorHandler.ts). */
export function jsonBodies(limits: SecurityLimits = {}): Router {
  const router = express.Router();
  for (const [path, limit] of bulkBodies) router.use(path, express.json({ limit, reviver: refuseNul }));
  router.use(express.json({ limit: `${limits.bodyLimitKb ?? defaultLimits.bodyLimitKb}kb`, reviver: refuseNul }));
  return router;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Who is calling, for the limit: the token's holder when it names one (a Team Captain, a partner, a
 * named Account Manager or ops), else the token itself (hashed: never kept as is), else the address.
 */
function callerKey(req: express.Request): string {
  const holder = req.holder;
  const actor = holder ? actorOf(holder) : undefined;
  if (actor && !actor.endsWith(':unnamed') && actor !== 'telemetry') return `actor:${actor}`;
  const token = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
  if (token) return `token:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
  return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

/**
 * Per-caller limit on writes, in a one-minute window kept in this process (each API replica counts its
 * own). Past it: 429 with `Retry-After` (seconds to the window's end) and the JSON error body. Mount it
 * after authentication so the caller is known.
 */
export function writeRateLimit(limits: SecurityLimits = {}): RequestHandler {
  const limit = limits.writesPerMinute ?? defaultLimits.writesPerMinute;
  const windowMs = 60_000;
  return rateLimit({
    windowMs,
    limit,
    skip: (req) => limit === 0 || !WRITES.has(req.method),
    keyGenerator: callerKey,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : windowMs / 1000;
      next(new HttpError(429, 'rate_limited', `At most ${limit} writes a minute per caller; retry after ${seconds} s`, [], seconds));
    },
  });
}
