// What ops watch on a worker: one HTTP port (WORKER_METRICS_PORT) with /metrics (the SDK core's own
// Prometheus metrics: task latencies, schedule-to-start, sticky cache, slots; plus the program's counters)
// and /health/live, /health/ready.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { ConfigError } from '../config/env';

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    awards: new Counter({ name: 'programs_awards_total', help: 'LOY-7 quarterly awards written by this worker', registers }),
    lotsOpened: new Counter({
      name: 'programs_lots_opened_total',
      help: 'Credit lots opened by this worker, by origin (award or purchase)',
      labelNames: ['origin'] as const,
      registers,
    }),
    notices: new Counter({
      name: 'programs_notices_total',
      help: 'Notice emails handed to SMTP by this process, by kind and outcome (sent or failed)',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
  };
}

/** Counts the activities that award credits and open lots, as they complete (a retry that completes counts again). */
export function countingActivities(metrics: WorkerMetrics): ActivityInterceptorsFactory {
  const award = () => {
    metrics.awards.inc();
    metrics.lotsOpened.inc({ origin: 'award' });
  };
  // An award writes its lot (LOY-7) as one local activity, or as recordAward in older runs; recordLot is a purchase.
  const onCompleted: Record<string, () => void> = {
    awardAndStartLot: award,
    recordAward: award,
    recordLot: () => metrics.lotsOpened.inc({ origin: 'purchase' }),
  };
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const result = await next(input);
        onCompleted[ctx.info.activityType]?.();
        return result;
      },
    },
  });
}

/** A free loopback port for the SDK core's own Prometheus exporter, which this server proxies. */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface WorkerHttpOptions {
  /** The port asked for; undefined: 9464, or any free port when that one is taken. */
  port: number | undefined;
  metrics: WorkerMetrics;
  /** Where the SDK core serves its metrics (Runtime telemetryOptions.metrics.prometheus.bindAddress). */
  coreMetricsUrl: string;
  live: () => boolean;
  /** Each dependency's check: 'ok' or why not. */
  ready: () => Promise<Record<string, string>>;
}

export async function startWorkerHttp(o: WorkerHttpOptions): Promise<Server & { port: number }> {
  const server = createServer((req, res) => {
    const reply = (status: number, type: string, body: string) => res.writeHead(status, { 'content-type': type }).end(body);
    const json = (status: number, body: unknown) => reply(status, 'application/json', JSON.stringify(body));
    if (req.url === '/metrics') {
      void metricsText(o).then(
        (text) => reply(200, o.metrics.registry.contentType, text),
        (err: unknown) => reply(500, 'text/plain', `metrics failed: ${String(err)}\n`),
      );
    } else if (req.url === '/health/live') {
      const live = o.live();
      json(live ? 200 : 503, { status: live ? 'ok' : 'stopped' });
    } else if (req.url === '/health/ready') {
      void o.ready().then((checks) => {
        const ok = Object.values(checks).every((c) => c === 'ok');
        json(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks });
      });
    } else json(404, { error: 'not_found' });
  });
  try {
    await listen(server, o.port ?? DEFAULT_WORKER_METRICS_PORT);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    if (o.port !== undefined) {
      throw new ConfigError(
        `Bad configuration:\n  WORKER_METRICS_PORT: ${o.port} is in use (another worker here?): give each its own, or 0`,
      );
    }
    await listen(server, 0);
  }
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}

const DEFAULT_WORKER_METRICS_PORT = 9464;

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function metricsText(o: WorkerHttpOptions): Promise<string> {
  const core = await fetch(o.coreMetricsUrl, { signal: AbortSignal.timeout(3000) })
    .then((r) => r.text())
    .catch((err: unknown) => `# the SDK core's metrics did not answer: ${String(err).replace(/\n/g, ' ')}\n`);
  return `${core.trimEnd()}\n${await o.metrics.registry.metrics()}`;
}

/** Runs each check with a time limit, reporting 'ok' or the reason. */
export async function checkAll(checks: Record<string, () => Promise<unknown>>): Promise<Record<string, string>> {
  const within = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 3s')), 3000).unref())]);
  const names = Object.keys(checks);
  const results = await Promise.allSettled(names.map((n) => within(checks[n]!())));
  return Object.fromEntries(results.map((r, i) => [names[i], r.status === 'fulfilled' ? 'ok' : `failed: ${(r.reason as Error).message}`]));
}
