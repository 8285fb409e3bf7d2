import express from 'express';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import pinoHttp from 'pino-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadline } from '../../api/deadline';
import { errorHandler } from '../../api/errorHandler';

// The API's answer when a dependency stalls (drills/postgresOutage.ts found purchases held for a minute
// while Postgres was down): 503 with Retry-After at the deadline, and never a second answer after it.
describe('deadline: every request answered in time', () => {
  let base = '';
  let close: () => void;
  const late: string[] = [];
  beforeAll(async () => {
    const app = express();
    app.use(pinoHttp({ logger: pino({ level: 'silent' }) }));
    app.use(deadline(300));
    app.get('/slow', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 2000));
      late.push('handler finished');
      res.status(201).json({ done: true });
    });
    app.get('/fast', (_req, res) => void res.json({ ok: true }));
    app.use(errorHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('ALL-4: a handler still waiting at the deadline answers 503 with Retry-After; its late answer is dropped', async () => {
    const t0 = Date.now();
    const res = await fetch(`${base}/slow`);
    expect(Date.now() - t0).toBeLessThan(1800);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ error: 'unavailable' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(late).toEqual(['handler finished']);
  });

  it('ALL-4: a request answered in time is untouched', async () => {
    const res = await fetch(`${base}/fast`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('retry-after')).toBeNull();
  });
});
