import { Router } from 'express';
import type { AppDeps } from '../app';

/** 200 when Postgres and Temporal both answer; 503 naming each that does not. */
export function healthRoutes({ temporal, db }: AppDeps): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const within = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 3s')), 3000).unref())]);
    const [pg, tmp] = await Promise.allSettled([within(db.raw('select 1')), within(temporal.connection.workflowService.getSystemInfo({}))]);
    const checks = {
      postgres: pg.status === 'fulfilled' ? 'ok' : `failed: ${(pg.reason as Error).message}`,
      temporal: tmp.status === 'fulfilled' ? 'ok' : `failed: ${(tmp.reason as Error).message}`,
    };
    const ok = pg.status === 'fulfilled' && tmp.status === 'fulfilled';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  });
  return router;
}
