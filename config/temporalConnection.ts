import type { ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';

export interface TemporalConnectConfig {
  /** Fits both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
  connectionOptions: Pick<ConnectionOptions, 'address' | 'tls' | 'metadata'> & { apiKey?: string };
  namespace?: string;
}

/**
 * How to reach Temporal, read the way every Temporal SDK and the CLI read it (@temporalio/envconfig):
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_CLIENT_CERT_PATH / _KEY_PATH,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME, or a profile in TEMPORAL_CONFIG_FILE
 * (TEMPORAL_PROFILE), variables overriding the file. An API key alone turns TLS on (Temporal Cloud).
 */
export function temporalConnectConfig(env: NodeJS.ProcessEnv = process.env): TemporalConnectConfig {
  const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars: vars });
  const { address, tls, apiKey, metadata } = connectionOptions;
  return {
    connectionOptions: {
      address,
      ...(tls !== undefined ? { tls } : {}),
      ...(typeof apiKey === 'string' ? { apiKey } : {}),
      ...(metadata ? { metadata } : {}),
    },
    namespace,
  };
}
