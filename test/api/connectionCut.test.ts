import { Client, Connection } from '@temporalio/client';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, type Db } from '../../db/connect';
import { startApi } from '../helpers/apiHarness';
import { createTestDatabase } from '../helpers/db';

/**
 * A TCP relay in front of the real Postgres that can cut every connection at the moment the API next writes
 * to it: the query is on the wire and the socket closes under it, as when Postgres stops mid-request. That
 * is how the short Postgres drill under load got its one 500: pg reports such a cut as a plain Error
 * ("Connection terminated unexpectedly", no SQLSTATE, no socket code).
 */
async function relayTo(target: { host: string; port: number }) {
  const pairs = new Set<[Socket, Socket]>();
  let cutOnNextWrite = false;
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('data', (chunk) => {
      if (cutOnNextWrite) {
        for (const [c, u] of pairs) {
          c.end();
          u.destroy();
        }
        pairs.clear();
        cutOnNextWrite = false;
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    cutOnNextWrite: () => void (cutOnNextWrite = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a Postgres connection cut mid-request', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let relay: Awaited<ReturnType<typeof relayTo>>;
  let db: Db;
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    relay = await relayTo({ host: url.hostname, port: Number(url.port) });
    url.hostname = '127.0.0.1';
    url.port = String(relay.port);
    db = connectDb(url.toString(), { min: 1, max: 1 });
    // These reads need only Postgres: the Temporal client is never dialled.
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    api = await startApi({ temporal, db, taskQueue: 'unused' });
  });
  afterAll(async () => {
    await api?.close();
    await db?.destroy();
    await relay?.close();
    await database?.drop();
  });

  it('ALL-2: is answered 503 with Retry-After, never 500; the next request succeeds on a new connection', async () => {
    expect((await api.call('GET', '/v1/accounts', { token: 'tok-ops-0000' })).status).toBe(200);
    relay.cutOnNextWrite();
    const cut = await api.call('GET', '/v1/accounts', { token: 'tok-ops-0000' });
    expect(cut.status).toBe(503);
    expect(cut.headers.get('retry-after')).toBe('5');
    expect(cut.body).toMatchObject({ error: 'unavailable', message: 'The database is not answering; try again shortly' });
    expect((await api.call('GET', '/v1/accounts', { token: 'tok-ops-0000' })).status).toBe(200);
  });
});
