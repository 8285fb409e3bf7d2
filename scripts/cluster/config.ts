import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterCerts } from './certs';

export const SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type Service = (typeof SERVICES)[number];

export interface ServicePorts {
  grpc: number;
  membership: number;
  metrics: number;
}

export interface ClusterLayout {
  configDir: string;
  /** gRPC, ringpop membership and Prometheus ports of each service process. */
  ports: Record<Service, ServicePorts>;
  uiPort: number;
  historyShards: number;
}

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** Host, port and credentials of a postgres:// URL, as the server's sql plugin and SQL tool take them. */
export function postgresTarget(url: string): PostgresTarget {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

/** Where a service process writes its log (warnings and errors, JSON lines). */
export const serviceLogFile = (layout: ClusterLayout, s: Service) => join(layout.configDir, '..', 'logs', `${s}.log`);

const datastore = (pg: PostgresTarget, database: string, maxConns: number) => ({
  sql: {
    pluginName: 'postgres12',
    databaseName: database,
    connectAddr: `${pg.host}:${pg.port}`,
    connectProtocol: 'tcp',
    user: pg.user,
    password: pg.password,
    maxConns,
    maxIdleConns: maxConns,
    maxConnLifetime: '1h',
  },
});

/**
 * The server's configuration: shared settings in base.yaml, and one `<service>.yaml` per process holding
 * what must differ between processes on one machine (the Prometheus port); `--env <service>` picks it.
 * JSON is valid YAML, so no YAML library is needed. Internode traffic stays on loopback in plain gRPC;
 * the frontend, which clients reach, requires a client certificate from the cluster's CA.
 */
export function writeClusterConfig(layout: ClusterLayout, pg: PostgresTarget, certs: ClusterCerts): void {
  mkdirSync(layout.configDir, { recursive: true });
  mkdirSync(join(layout.configDir, '..', 'logs'), { recursive: true });
  const base = {
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: layout.historyShards,
      datastores: { 'postgres-default': datastore(pg, 'temporal', 8), 'postgres-visibility': datastore(pg, 'temporal_visibility', 3) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      tls: {
        frontend: {
          server: { certFile: certs.serverCert, keyFile: certs.serverKey, requireClientAuth: true, clientCaFiles: [certs.caCert] },
          client: { serverName: certs.serverName, rootCaFiles: [certs.caCert] },
        },
        // The system worker service calls the frontend like any client: with the client certificate.
        systemWorker: {
          certFile: certs.clientCert,
          keyFile: certs.clientKey,
          client: { serverName: certs.serverName, rootCaFiles: [certs.caCert] },
        },
      },
    },
    services: Object.fromEntries(
      SERVICES.map((s) => [
        s,
        { rpc: { grpcPort: layout.ports[s].grpc, membershipPort: layout.ports[s].membership, bindOnLocalHost: true } },
      ]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `localhost:${layout.ports.frontend.grpc}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: join(layout.configDir, 'dynamic.yaml'), pollInterval: '10s' },
  };
  writeFileSync(join(layout.configDir, 'base.yaml'), JSON.stringify(base, null, 2));
  for (const s of SERVICES) {
    const metrics = { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${layout.ports[s].metrics}` } };
    const log = { stdout: false, level: 'warn', format: 'json', outputFile: serviceLogFile(layout, s) };
    writeFileSync(join(layout.configDir, `${s}.yaml`), JSON.stringify({ log, global: { metrics } }, null, 2));
  }
  // A search attribute added by the provisioning script is usable at once (as on the dev server).
  writeFileSync(
    join(layout.configDir, 'dynamic.yaml'),
    JSON.stringify({ 'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true, constraints: {} }] }, null, 2),
  );
  writeUiConfig(layout, certs);
}

/** The Web UI server's config: it reaches the frontend over mTLS with the client certificate. */
function writeUiConfig(layout: ClusterLayout, certs: ClusterCerts): void {
  const ui = {
    temporalGrpcAddress: `127.0.0.1:${layout.ports.frontend.grpc}`,
    host: '127.0.0.1',
    port: layout.uiPort,
    enableUi: true,
    defaultNamespace: 'default',
    notifyOnNewVersion: false,
    cors: { cookieInsecure: true, allowOrigins: [`http://127.0.0.1:${layout.uiPort}`] },
    tls: {
      caFile: certs.caCert,
      certFile: certs.clientCert,
      keyFile: certs.clientKey,
      serverName: certs.serverName,
      enableHostVerification: true,
    },
  };
  mkdirSync(join(layout.configDir, 'ui'), { recursive: true });
  writeFileSync(join(layout.configDir, 'ui', 'cluster.yaml'), JSON.stringify(ui, null, 2));
}
