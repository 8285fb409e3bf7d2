// How every process here (API, worker, scripts) reaches Temporal, configured the way the Temporal CLI and
// SDKs are (@temporalio/envconfig): a profile in a TOML file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE; the
// CLI's default file otherwise), overridden by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY and
// TEMPORAL_TLS_* (client cert/key and server CA as paths or data). One place, so a cluster's mTLS or a
// Temporal Cloud API key is set once for all of them.
import { existsSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError } from './env';

export interface TemporalConnectConfig {
  namespace: string;
  /** For the worker's NativeConnection; `clientOptions` below maps it for a client Connection. */
  connectionOptions: NativeConnectionOptions & { address: string };
}

/** Reads the connection settings from `source` (the process environment by default), or says what is missing. */
export function temporalConnectConfig(source: NodeJS.ProcessEnv = process.env): TemporalConnectConfig {
  const vars = Object.fromEntries(Object.entries(source).filter((e): e is [string, string] => typeof e[1] === 'string'));
  // envconfig treats a missing file as an empty one; a file named on purpose must exist.
  if (vars.TEMPORAL_CONFIG_FILE && !existsSync(vars.TEMPORAL_CONFIG_FILE)) {
    throw new ConfigError(`Bad configuration:\n  TEMPORAL_CONFIG_FILE: no such file`);
  }
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: vars });
  } catch (err) {
    // envconfig's messages name profiles, keys and files, never a key's secret value.
    throw new ConfigError(`Bad configuration:\n  Temporal connection: ${(err as Error).message}`);
  }
  const { connectionOptions, namespace } = loaded;
  if (!connectionOptions.address) {
    throw new ConfigError('Bad configuration:\n  TEMPORAL_ADDRESS: not set (nor an address in the Temporal profile)');
  }
  return { namespace: namespace ?? 'default', connectionOptions: { ...connectionOptions, address: connectionOptions.address } };
}

/** The same settings as a client Connection's options (the API, scripts, and the worker's own client). */
export function clientOptions({ connectionOptions: o }: TemporalConnectConfig): ConnectionOptions {
  return {
    address: o.address,
    ...(o.tls !== undefined ? { tls: o.tls } : {}),
    ...(o.apiKey !== undefined ? { apiKey: o.apiKey as string } : {}),
    ...(o.metadata ? { metadata: o.metadata } : {}),
  };
}

/** A client Connection with these settings. */
export function connectClient(config: TemporalConnectConfig): Promise<Connection> {
  return Connection.connect(clientOptions(config));
}

/** What a log line may say about the connection: never the key or certificate contents. */
export function describeConnection({ namespace, connectionOptions: o }: TemporalConnectConfig) {
  const tls = !o.tls ? 'off' : o.tls === true ? 'on' : o.tls.clientCertPair ? 'mTLS' : 'on';
  return { address: o.address, namespace, tls, apiKey: o.apiKey !== undefined };
}
