import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Mailer } from '../services/mailer';
import type { Logger } from '../config/logger';
import type { IsoDate } from '../domain/calendar';
import { authenticate, type TokenMap } from './auth';
import { HttpError } from './errors';
import { accountRoutes } from './routes/loyalty';
import { docsRoutes } from './routes/docs';
import { healthRoutes } from './routes/health';
import { nominationRoutes } from './routes/loyalty';
import { programDataRoutes } from './routes/loyalty';
import { creditRoutes } from './routes/credits';
import { reportRoutes } from './routes/credits';
import { certificationRoutes } from './routes/certification';
import { incentiveRoutes } from './routes/incentives';
import { catalogueRoutes } from './routes/incentives';

export interface AppConfig {
  tokens: TokenMap;
  taskQueue: string;
  termsVersion: string;
  programCountries?: readonly string[];
}

export interface AppDeps {
  temporal: Client;
  db: Knex;
  config: AppConfig;
  logger: Logger;
  /** Today's UTC date; the program's calendar (CAL-3) starts here. */
  today: () => IsoDate;
  /** SMTP for the emails the API sends itself (redemptions); without it their workflows send them. */
  mail?: { mailer: Mailer; from: string };
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
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
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRoutes(deps));
  app.use(docsRoutes());
  app.use('/v1', authenticate(deps.config.tokens));
  app.use(nominationRoutes(deps));
  app.use(accountRoutes(deps));
  app.use(programDataRoutes(deps));
  app.use(creditRoutes(deps));
  app.use(reportRoutes(deps));
  app.use(certificationRoutes(deps));
  app.use(incentiveRoutes(deps));
  app.use(catalogueRoutes(deps));
  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'No such route')));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) return res.status(err.status).json(err);
    // express.json() reports unparsable bodies with a status; they are the caller's fault.
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return res
        .status(status)
        .json(
          new HttpError(status, 'invalid_request', 'The body is not valid JSON', [{ field: '(body)', message: (err as Error).message }]),
        );
    }
    req.log.error({ err }, 'unhandled error');
    res.status(500).json({ error: 'internal', message: 'Something went wrong; the request id names it in the logs' });
  });
  return app;
}
