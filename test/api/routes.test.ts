import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { toHttpError } from '../../api/errorHandler';
import { operations } from '../../api/operations';
import { connectDb } from '../../db/connect';
import { CreditRefusal } from '../../db/credits';
import { RedemptionConflict } from '../../services/creditsRedemptions';
import { tokens } from '../helpers/apiHarness';

/** The app over a Postgres that does not answer and no Temporal: enough for the document and the 503s. */
async function appWithoutDependencies() {
  const db = connectDb('postgres://nobody:x@127.0.0.1:1/none', { min: 0, max: 1 });
  const app = createApp({
    temporal: {} as Client,
    db,
    logger: pino({ level: 'silent' }),
    config: { tokens, taskQueue: 'unused', termsVersion: 'T1' },
    today: () => '2026-01-01',
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: (path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await db.destroy();
    },
  };
}

describe('API: one declaration per route', () => {
  it('every Location a 201 sends names a declared GET route', () => {
    const gets = new Set(operations.filter((op) => op.method === 'get').map((op) => op.path));
    const located = operations.flatMap((op) => Object.values(op.responses).flatMap((r) => (r.location ? [[op.path, r.location]] : [])));
    expect(located.map(([path]) => path)).toEqual(
      expect.arrayContaining(['/v1/nominations', '/v1/purchases', '/v1/redemptions', '/v1/certifications', '/v1/engagements']),
    );
    for (const [path, location] of located) expect(gets, `${path} points at ${location}`).toContain(location);
  });

  it('/openapi.json lists every declared operation with the schema of each of its answers', async () => {
    const app = await appWithoutDependencies();
    try {
      const doc = (await (await app.get('/openapi.json')).json()) as {
        paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
      };
      for (const op of operations) {
        const documented = doc.paths[op.path]?.[op.method];
        expect(documented, `${op.method} ${op.path}`).toBeDefined();
        const statuses = [...Object.keys(op.responses), ...Object.keys(op.errors ?? {}), '400', '401', '403', '503'];
        for (const status of statuses)
          expect(documented!.responses[status]?.content?.['application/json']?.schema, `${op.method} ${op.path} ${status}`).toBeDefined();
      }
    } finally {
      await app.close();
    }
  });
});

describe('API: errors mapped once', () => {
  it('an unreachable Postgres is 503 with Retry-After, not 500', async () => {
    const app = await appWithoutDependencies();
    try {
      const res = await app.get('/v1/accounts', 'tok-ops-0000');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ error: 'unavailable', message: expect.stringContaining('database') });
    } finally {
      await app.close();
    }
  });

  it('Temporal and domain refusals become their HTTP answers', () => {
    expect(toHttpError(new WorkflowNotFoundError('gone', 'loyalty-account-ACME', undefined))?.toJSON()).toEqual({
      error: 'not_found',
      message: 'Account ACME not found',
    });
    const invalid = ApplicationFailure.create({ type: 'Invalid', message: 'too late', details: [{ field: 'until', message: 'past' }] });
    expect(toHttpError(invalid)).toMatchObject({ status: 422, errors: [{ field: 'until', message: 'past' }] });
    expect(toHttpError(ApplicationFailure.create({ type: 'Conflict', message: 'again' }))?.status).toBe(409);
    expect(toHttpError(ApplicationFailure.create({ type: 'Forbidden', message: 'no' }))?.status).toBe(403);
    expect(toHttpError(new CreditRefusal([{ field: 'credits', message: 'short' }]))).toMatchObject({
      status: 422,
      errors: [{ field: 'credits' }],
    });
    expect(toHttpError(new RedemptionConflict('already approved'))?.status).toBe(409);
    const grpc = Object.assign(new Error('14 UNAVAILABLE: connect ECONNREFUSED'), { code: 14, details: '', metadata: {} });
    expect(toHttpError(new Error('wrapped', { cause: grpc }))).toMatchObject({ status: 503, retryAfter: 5 });
    expect(toHttpError(Object.assign(new Error('Knex: Timeout acquiring a connection'), { name: 'KnexTimeoutError' }))?.status).toBe(503);
    expect(toHttpError(new Error('a bug'))).toBeUndefined();
  });
});
