import express, { Router } from 'express';
import cookieParser from 'cookie-parser';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Mailer } from '../services/mailer';
import type { Logger } from '../config/logger';
import type { IsoDate } from '../domain/calendar';
import type { LoyaltySettings } from '../workflows/loyaltyDefinitions';
import { authenticate, type TokenMap } from './auth';
import type { AuthConfig } from './oidc';
import { signIn } from './routes/auth';
import { errorHandler } from './errorHandler';
import { HttpError } from './errors';
import { mountRoutes } from './route';
import { operations } from './operations';
import { docsRoutes } from './routes/docs';
import { jsonBodies, securityHeaders, writeRateLimit, type SecurityLimits } from './security';
import { healthRoutes } from './routes/health';
import { authThrottle } from './authThrottle';
import { ownRequestTargets } from './requestTarget';
import { measureRequests, metricsRoute, traceRequests, type ApiMetrics } from './metrics';
import type { Tracer } from '@opentelemetry/api';
import { deadline } from './deadline';
import { portalRoutes } from './routes/portal';

export interface AppConfig {
  tokens: TokenMap;
  taskQueue: string;
  termsVersion: string;
  programCountries?: readonly string[];
  /** CLC-1: countries cleared for Learning Credits; unset means the list in domain/credits.ts. */
  clcCountries?: readonly string[];
  /** CAL-3, LOY-4: what a new nomination's settings change from the defaults (LOYALTY_* variables). */
  loyaltySettings?: Partial<Pick<LoyaltySettings, 'awardDay' | 'reminderEveryDays' | 'lapseAfterDays'>>;
  /** LCI-4: months an engagement's phase has; unset means domain/incentives.ts's default (12). */
  incentivePhaseMonths?: number;
  /** The Temporal Web UI the portal links each entity's workflow to (TEMPORAL_UI_URL), and its namespace. */
  temporalUiUrl?: string;
  temporalNamespace?: string;
  /** Body size and writes per caller (api/security.ts; RATE_LIMIT_WRITES_PER_MINUTE, BODY_LIMIT_KB). */
  limits?: SecurityLimits;
  /** OpenID Connect sign-in (issue 13): JWT bearer tokens and portal sessions; unset: static tokens only. */
  auth?: AuthConfig;
  /** ALL-2: every request is answered within this many ms, with 503 + Retry-After if need be (25 s). */
  requestTimeoutMs?: number;
  /** METRICS_TOKEN: the bearer /metrics answers (api/metrics.ts); unset: /metrics is not served. */
  metricsToken?: string;
}

export interface AppDeps {
  temporal: Client;
  db: Knex;
  config: AppConfig;
  logger: Logger;
  /** Today's UTC date; the program's calendar (CAL-3) starts here. */
  today: () => IsoDate;
  /** SMTP for the emails the API sends itself (redemptions); without it their workflows send them. */
  mail?: { mailer: Mailer; from: string; publicUrl?: string };
  /** Issue 14: Prometheus metrics at /metrics, and a span per request when tracing is on. */
  metrics?: ApiMetrics;
  tracer?: Tracer;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(ownRequestTargets([deps.config.auth?.publicUrl, deps.mail?.publicUrl].flatMap((u) => (u ? [new URL(u).host] : []))));
  if (deps.tracer) app.use(traceRequests(deps.tracer));
  if (deps.metrics) app.use(measureRequests(deps.metrics), metricsRoute(deps.metrics, deps.config.metricsToken));
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
    }),
  );
  app.use(deadline(deps.config.requestTimeoutMs ?? 25_000));
  app.use(securityHeaders(deps.config.auth ? [new URL(deps.config.auth.issuer).origin] : []));
  app.use(jsonBodies(deps.config.limits));
  const signedIn = signIn(deps);
  app.use(healthRoutes(deps, signedIn.auth));
  app.use(docsRoutes());
  app.use(portalRoutes());
  app.use(cookieParser());
  app.use(signedIn.router);
  app.use('/v1', authenticate({ ...signedIn.auth, throttle: authThrottle(deps.config.limits) }), writeRateLimit(deps.config.limits));
  const v1 = Router();
  mountRoutes(v1, operations, deps);
  app.use(v1);
  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'No such route')));
  app.use(errorHandler);
  return app;
}
