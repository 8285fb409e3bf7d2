import { Router } from 'express';
import { join } from 'node:path';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { buildOpenApi } from '../openapi';

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>Cisco Programs API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>`;

// A file, not an inline script: the CSP (api/security.ts) runs this origin's scripts only.
const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', validatorUrl: null });`;

/** The two files the page loads, and nothing else of swagger-ui-dist (its other bundles, maps, package.json). */
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js'] as const;

/** /openapi.json and a browsable page of it at /docs, served from the installed swagger-ui-dist (no CDN). */
export function docsRoutes(): Router {
  const document = buildOpenApi();
  const router = Router();
  router.get('/openapi.json', (_req, res) => res.json(document));
  for (const asset of ASSETS) router.get(`/docs/assets/${asset}`, (_req, res) => res.sendFile(join(getAbsoluteFSPath(), asset)));
  router.get('/docs/init.js', (_req, res) => res.type('text/javascript').send(init));
  router.get('/docs', (_req, res) => res.type('html').send(page));
  return router;
}
