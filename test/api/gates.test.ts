// Issue 24, finding 6 ("weaker points"): what the API shows to whom at its edge, on the real stack.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, startApi, type ApiHarness } from '../helpers/apiHarness';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';

const today = new Date().toISOString().slice(0, 10);
const OPS = 'tok-ops-0000';

/** A raw HTTP/1.1 exchange: the request line exactly as written, and the status line of the answer. */
function rawRequest(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** GET from a chosen loopback source address (Linux routes all of 127/8 to lo): another client's. */
function getFrom(localAddress: string, url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject).end();
  });
}

describe('API gates (issue 24, finding 6)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  }, 120_000);
  afterAll(async () => h?.close());

  it('issue 24: /docs serves the two swagger-ui files its page loads, nothing else of swagger-ui-dist', async () => {
    for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js'])
      expect((await fetch(`${h.api.base}/docs/assets/${asset}`)).status, asset).toBe(200);
    for (const other of ['package.json', 'index.html', 'swagger-ui.js', 'swagger-ui-bundle.js.map', 'swagger-initializer.js', ''])
      expect((await fetch(`${h.api.base}/docs/assets/${other}`)).status, other).toBe(404);
  });

  it('issue 24: an absolute-form target naming another host is 400; one naming this host is served', async () => {
    const port = Number(new URL(h.api.base).port);
    const host = `Host: 127.0.0.1:${port}`;
    const foreign = await rawRequest(port, ['GET http://evil.example/app HTTP/1.1', host, 'Connection: close']);
    expect(foreign).toMatch(/^HTTP\/1\.1 400 /);
    expect(foreign).not.toMatch(/^location:/im);
    expect(foreign).toContain('"field":"(target)"');
    const own = await rawRequest(port, [`GET http://127.0.0.1:${port}/health/live HTTP/1.1`, host, 'Connection: close']);
    expect(own).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('issue 24: failed authentications are throttled per address (429 + Retry-After); successes never count, other addresses go on', async () => {
    const api = await startApi({
      temporal: h.env.client,
      db: h.db,
      taskQueue: h.taskQueue,
      config: { limits: { authFailuresPer15Minutes: 3 } },
    });
    try {
      // Successful callers: forty authenticated requests, none counted.
      for (let i = 0; i < 40; i += 1) expect((await api.call('GET', '/v1/me', { token: OPS })).status).toBe(200);
      // No credentials at all is a plain 401 and is not a failed try.
      for (let i = 0; i < 5; i += 1) expect((await api.call('GET', '/v1/me')).status).toBe(401);
      for (let i = 0; i < 3; i += 1) expect((await api.call('GET', '/v1/me', { token: `guess-${i}-0000` })).status).toBe(401);
      const throttled = await api.call('GET', '/v1/me', { token: 'guess-3-0000' });
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(throttled.body).toMatchObject({ error: 'rate_limited' });
      // The address stays refused for the window, before its credentials are looked at (a right guess included).
      expect((await api.call('GET', '/v1/me', { token: OPS })).status).toBe(429);
      // Another client's address is not held back.
      expect(await getFrom('127.0.0.2', `${api.base}/v1/me`, OPS)).toBe(200);
    } finally {
      await api.close();
    }
  });

  it("issue 24 (ALL-3): another's account and an absent one answer the same 404, byte for byte but the id asked", async () => {
    const taken = uniqueId('GATE');
    const am2 = await h.api.call('POST', '/v1/nominations', {
      token: 'tok-account-manager-2',
      body: nominationFor(today, { group: taken, ccoId: 'someone-else' }),
    });
    expect(am2.status).toBe(201);
    // An id of the same length that no account has.
    const absent = `${taken.slice(0, -1)}${taken.endsWith('Z') ? 'Y' : 'Z'}`;
    const raw = async (path: string, token: string) => {
      const res = await fetch(`${h.api.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        length: res.headers.get('content-length'),
        text: await res.text(),
      };
    };
    for (const [path, token] of [
      ['/v1/accounts/{id}', 'tok-captain-dlee'],
      ['/v1/accounts/{id}', 'tok-account-manager'],
      ['/v1/accounts/{id}/balance', 'tok-captain-dlee'],
      ['/v1/accounts/{id}/lots', 'tok-account-manager'],
    ] as const) {
      const notYours = await raw(path.replace('{id}', taken), token);
      const missing = await raw(path.replace('{id}', absent), token);
      expect(notYours.status, path).toBe(404);
      expect(notYours.text, path).toBe(`{"error":"not_found","message":"Account ${taken} not found"}`);
      expect({ ...missing, text: missing.text.replace(absent, taken) }, path).toEqual(notYours);
    }
  });
});
