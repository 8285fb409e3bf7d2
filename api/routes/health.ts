import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app';
import { bearerCaller, type AuthOptions } from '../auth';

/** Seconds a balancer (or a caller) waits before asking again when a dependency does not answer. */
const READY_RETRY_AFTER = 5;

/**
 * Liveness and readiness: ready is 200 when Postgres and Temporal both answer, else 503 with Retry-After.
 * Which dependency fails, and its error, only an ops bearer token is told: to anyone else they map the
 * service's insides (hosts, ports, driver messages).
 */
export function healthRoutes({ temporal, db }: AppDeps, auth: AuthOptions): Router {
  const router = Router();
  // Readiness (and the older /healthz): a balancer stops sending requests to a replica that fails it.
  // Liveness: the process answers at all.
  const ready = async (req: Request, res: Response) => {
    const within = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 3s')), 3000).unref())]);
    const [pg, tmp] = await Promise.allSettled([within(db.raw('select 1')), within(temporal.connection.workflowService.getSystemInfo({}))]);
    const ok = pg.status === 'fulfilled' && tmp.status === 'fulfilled';
    if (!ok) res.setHeader('Retry-After', String(READY_RETRY_AFTER));
    const status = { status: ok ? 'ok' : 'unavailable' };
    if ((await bearerCaller(req, auth))?.role !== 'ops') return res.status(ok ? 200 : 503).json(status);
    const checks = {
      postgres: pg.status === 'fulfilled' ? 'ok' : `failed: ${(pg.reason as Error).message}`,
      temporal: tmp.status === 'fulfilled' ? 'ok' : `failed: ${(tmp.reason as Error).message}`,
    };
    res.status(ok ? 200 : 503).json({ ...status, checks });
  };
  router.get('/healthz', ready);
  router.get('/health/ready', ready);
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}
