import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app';

/** Liveness and readiness: ready is 200 when Postgres and Temporal both answer, 503 naming each that does not. */
export function healthRoutes({ temporal, db }: AppDeps): Router {
  const router = Router();
  // Readiness (and the older /healthz): 200 when Postgres and Temporal both answer; a balancer stops
  // sending requests to a replica that fails it. Liveness: the process answers at all.
  const ready = async (_req: Request, res: Response) => {
    const within = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 3s')), 3000).unref())]);
    const [pg, tmp] = await Promise.allSettled([within(db.raw('select 1')), within(temporal.connection.workflowService.getSystemInfo({}))]);
    const checks = {
      postgres: pg.status === 'fulfilled' ? 'ok' : `failed: ${(pg.reason as Error).message}`,
      temporal: tmp.status === 'fulfilled' ? 'ok' : `failed: ${(tmp.reason as Error).message}`,
    };
    const ok = pg.status === 'fulfilled' && tmp.status === 'fulfilled';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  };
  router.get('/healthz', ready);
  router.get('/health/ready', ready);
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}
