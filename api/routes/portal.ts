// The portal (portal/, built by scripts/buildPortal.ts into portal/dist) at /app: its files, and its
// index.html for any other /app path, where the portal's own router takes over (the emails link there).
import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PORTAL_DIST = resolve(__dirname, '..', '..', 'portal', 'dist');

export function portalRoutes(dist = PORTAL_DIST): Router {
  const router = Router();
  const index = join(dist, 'index.html');
  // Hashed asset names change with their content: cache them for good; never cache the page naming them.
  router.use('/app/assets', express.static(join(dist, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  router.get(['/app', '/app/{*rest}'], (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The portal is not built: run `npm run build:portal` (npm start builds it).');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
