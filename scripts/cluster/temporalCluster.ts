import { Connection } from '@temporalio/client';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import type { ServerTools } from '../provision/temporalServer';
import { startChild, waitUntil, type Child } from '../services/child';
import { ensureClusterCerts, type ClusterCerts } from './certs';
import { postgresTarget, serviceLogFile, SERVICES, writeClusterConfig, type ClusterLayout, type Service } from './config';
import { ensureTemporalSchemas } from './schema';

const NOT_FOUND = 5;

export interface RunningCluster {
  address: string;
  uiUrl: string;
  certs: ClusterCerts;
  layout: ClusterLayout;
  /** The standard client variables (@temporalio/envconfig) that reach this cluster's frontend over mTLS. */
  clientEnv: Record<string, string>;
  stopService(service: Service, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  startService(service: Service): void;
  /** Waits until the frontend answers over mTLS. */
  ready(ms?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Temporal's usual port layout, from the frontend's port: 7233 gives 7234 history, 7235 matching, 7239
 * worker, membership 6933-6939; each service's Prometheus metrics 100 below its gRPC port (7133-7139).
 */
export function standardLayout(configDir: string, frontendPort: number, uiPort: number, historyShards: number): ClusterLayout {
  const offset = { frontend: 0, history: 1, matching: 2, worker: 6 } as const;
  const ports = Object.fromEntries(
    SERVICES.map((s) => [
      s,
      { grpc: frontendPort + offset[s], membership: frontendPort - 300 + offset[s], metrics: frontendPort - 100 + offset[s] },
    ]),
  ) as ClusterLayout['ports'];
  return { configDir, ports, uiPort, historyShards };
}

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A standard layout on a free block of ports, for tests and benchmarks. Below 32768: Temporal stores a
 * membership port in a Postgres smallint, so the OS's ephemeral ports (32768 and up) would be refused.
 */
export async function freeStandardLayout(configDir: string, historyShards: number): Promise<ClusterLayout> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const frontend = 12_000 + Math.floor(Math.random() * 18_000);
    const layout = standardLayout(configDir, frontend, frontend + 1000, historyShards);
    const ports = [...Object.values(layout.ports).flatMap((p) => [p.grpc, p.membership, p.metrics]), layout.uiPort];
    if ((await Promise.all(ports.map(canListen))).every(Boolean)) return layout;
  }
  throw new Error('no free block of ports for the Temporal cluster');
}

export function clientEnvFor(address: string, certs: ClusterCerts): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
    TEMPORAL_TLS_SERVER_NAME: certs.serverName,
  };
}

/**
 * The Temporal server as a cluster: history, matching, frontend and worker services as four processes
 * sharing one config, Postgres for persistence and visibility, mTLS on the frontend, and the Web UI.
 * Schemas are created or updated first; certificates are made at first start in `<dataDir>/certs`.
 */
export async function startTemporalCluster(opts: {
  tools: ServerTools;
  dataDir: string;
  databaseUrl: string;
  layout: ClusterLayout;
  quiet?: boolean;
}): Promise<RunningCluster> {
  const pg = postgresTarget(opts.databaseUrl);
  const certs = ensureClusterCerts(opts.dataDir);
  await ensureTemporalSchemas(opts.tools.sqlTool, pg);
  writeClusterConfig(opts.layout, pg, certs);
  const address = `127.0.0.1:${opts.layout.ports.frontend.grpc}`;
  const children = new Map<Service, Child>();
  const startService = (s: Service) => {
    const args = ['--root', '/', '--config', opts.layout.configDir, '--env', s, '--allow-no-auth', 'start', '--service', s];
    children.set(s, startChild(`temporal-${s}`, serviceBinary(opts.tools.server, opts.layout.configDir, s), args, process.env, opts));
  };
  const others: Child[] = [];
  terminateOnExit(() => [...children.values(), ...others]);
  // One at a time: on a fresh database the first process writes the cluster metadata, and processes racing
  // to do it fail. Each is past that once its membership port listens (the worker service has no gRPC port).
  for (const s of SERVICES) {
    startService(s);
    await waitUntil(
      `temporal ${s}`,
      () => listening(opts.layout.ports[s].membership, children.get(s)!, serviceLogFile(opts.layout, s)),
      120_000,
    );
  }
  const uiArgs = ['--root', '/', '--config', join(opts.layout.configDir, 'ui'), '--env', 'cluster', 'start'];
  const ui = startChild('temporal-ui', opts.tools.uiServer, uiArgs, process.env, { quiet: opts.quiet });
  others.push(ui);
  const stopService = async (s: Service, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    if (signal === 'SIGKILL') children.get(s)?.process.kill('SIGKILL');
    await children.get(s)?.stop(15_000);
  };
  const cluster: RunningCluster = {
    address,
    uiUrl: `http://127.0.0.1:${opts.layout.uiPort}`,
    certs,
    layout: opts.layout,
    clientEnv: clientEnvFor(address, certs),
    stopService,
    startService,
    ready: (ms = 120_000) => waitUntil('the Temporal frontend (mTLS)', () => probe(address, certs), ms),
    async stop() {
      await ui.stop();
      // Frontend first so clients see it go, history last so in-flight tasks are persisted.
      for (const s of ['frontend', 'worker', 'matching', 'history'] as const) await stopService(s);
    },
  };
  try {
    await cluster.ready();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/**
 * If this process ends before stop() finishes (a second Ctrl-C, embedded Postgres's exit hook), the
 * services still get SIGTERM rather than living on as orphans.
 */
function terminateOnExit(list: () => Child[]): void {
  process.once('exit', () => {
    for (const c of list()) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGTERM');
  });
}

/**
 * The server binary under a per-service name (a symlink), so ps, top and the benchmarks' CPU figures
 * (process names from /proc) tell the four processes apart.
 */
function serviceBinary(server: string, configDir: string, s: Service): string {
  const dir = join(configDir, 'bin');
  mkdirSync(dir, { recursive: true });
  const link = join(dir, `tmprl-${s}`);
  rmSync(link, { force: true });
  symlinkSync(server, link);
  return link;
}

function listening(port: number, child: Child, logFile: string): Promise<void> {
  if (child.process.exitCode !== null) {
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join('\n') : '';
    throw new Error(`${child.name} exited with ${child.process.exitCode}; the end of ${logFile}:\n${tail}`);
  }
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve();
    });
    socket.on('error', reject);
  });
}

async function probe(address: string, certs: ClusterCerts): Promise<void> {
  const connection = await Connection.connect({
    address,
    connectTimeout: 2000,
    tls: {
      serverNameOverride: certs.serverName,
      serverRootCACertificate: readFileSync(certs.caCert),
      clientCertPair: { crt: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) },
    },
  });
  try {
    // Through the frontend to history (a workflow it does not have: NotFound, not Unavailable) and matching.
    const namespace = 'temporal-system';
    await connection.workflowService
      .describeWorkflowExecution({ namespace, execution: { workflowId: 'cisco-programs-probe' } })
      .catch((err: { code?: number }) => {
        if (err.code !== NOT_FOUND) throw err;
      });
    await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'cisco-programs-probe' } });
  } finally {
    await connection.close();
  }
}
