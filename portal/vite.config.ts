import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Served by the API under /app (api/routes/portal.ts); `npm run dev:portal` proxies /v1 and /auth to it.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [react()],
  // One bundle (React, Router, TanStack Query, the pages), loaded once and cached for good (hashed names).
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/auth': 'http://127.0.0.1:3000' } },
});
