// Issue 14: API, worker and scripts read their Temporal connection the way the Temporal CLI and SDKs do
// (@temporalio/envconfig). A dev server cannot do mTLS, so this proves the loading and the mapping to
// connection options; the cluster suite proves a real mTLS handshake with them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/env';
import { clientOptions, describeConnection, temporalConnectConfig } from '../../config/temporalConnection';

const dir = mkdtempSync(join(tmpdir(), 'temporal-conn-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const cert = file('client.pem', '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
const key = file('client.key', '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');
const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
// HOME points at an empty directory so the machine's own ~/.config/temporalio/temporal.toml is not read.
const base = { HOME: dir, XDG_CONFIG_HOME: dir };

/** TLS settings with the certificate bytes as text, to compare with what the files hold. */
function readable(tls: unknown) {
  const t = tls as {
    serverNameOverride?: string;
    serverRootCACertificate?: Uint8Array;
    clientCertPair?: { crt: Uint8Array; key: Uint8Array };
  };
  const text = (b?: Uint8Array) => (b ? Buffer.from(b).toString('utf8') : undefined);
  return {
    serverNameOverride: t.serverNameOverride,
    serverRootCACertificate: text(t.serverRootCACertificate),
    clientCertPair: t.clientCertPair && { crt: text(t.clientCertPair.crt), key: text(t.clientCertPair.key) },
  };
}

describe('Temporal connection settings (config/temporalConnection.ts)', () => {
  it('TLS client certificate, key, CA and server name from TEMPORAL_TLS_* paths become an mTLS connection', () => {
    const config = temporalConnectConfig({
      ...base,
      TEMPORAL_ADDRESS: 'frontend.cluster.internal:7233',
      TEMPORAL_NAMESPACE: 'programs',
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'frontend',
    });
    const tls = {
      serverNameOverride: 'frontend',
      serverRootCACertificate: '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n',
      clientCertPair: {
        crt: '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n',
        key: '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n',
      },
    };
    expect(config.namespace).toBe('programs');
    expect(config.connectionOptions.address).toBe('frontend.cluster.internal:7233');
    expect(readable(config.connectionOptions.tls)).toEqual(tls);
    // The API's and scripts' client Connection gets the very same settings as the worker's NativeConnection.
    const client = clientOptions(config);
    expect(Object.keys(client).sort()).toEqual(['address', 'tls']);
    expect(client.address).toBe('frontend.cluster.internal:7233');
    expect(readable(client.tls)).toEqual(tls);
    expect(describeConnection(config)).toEqual({
      address: 'frontend.cluster.internal:7233',
      namespace: 'programs',
      tls: 'mTLS',
      apiKey: false,
    });
  });

  it('an API key (Temporal Cloud) turns TLS on and is never in what is logged', () => {
    const config = temporalConnectConfig({ ...base, TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'sk-secret-0001' });
    expect(clientOptions(config)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: true, apiKey: 'sk-secret-0001' });
    expect(config.namespace).toBe('default');
    expect(JSON.stringify(describeConnection(config))).not.toContain('sk-secret-0001');
    expect(describeConnection(config)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', namespace: 'default', tls: 'on', apiKey: true });
  });

  it('a profile file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), with environment variables overriding it', () => {
    const toml = file(
      'temporal.toml',
      [
        '[profile.default]',
        'address = "localhost:7233"',
        '[profile.prod]',
        'address = "frontend.prod:7233"',
        'namespace = "programs-prod"',
        '[profile.prod.tls]',
        `client_cert_path = "${cert}"`,
        `client_key_path = "${key}"`,
        `server_ca_cert_path = "${ca}"`,
      ].join('\n'),
    );
    const prod = temporalConnectConfig({ ...base, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' });
    expect(prod.namespace).toBe('programs-prod');
    expect(describeConnection(prod)).toEqual({ address: 'frontend.prod:7233', namespace: 'programs-prod', tls: 'mTLS', apiKey: false });
    const overridden = temporalConnectConfig({
      ...base,
      TEMPORAL_CONFIG_FILE: toml,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_NAMESPACE: 'other',
    });
    expect(overridden.namespace).toBe('other');
    const plain = temporalConnectConfig({ ...base, TEMPORAL_CONFIG_FILE: toml });
    expect(clientOptions(plain)).toEqual({ address: 'localhost:7233' });
  });

  it('the dev server as npm start runs it: an address only, no TLS', () => {
    const config = temporalConnectConfig({ ...base, TEMPORAL_ADDRESS: '127.0.0.1:7233' });
    expect(clientOptions(config)).toEqual({ address: '127.0.0.1:7233' });
    expect(config.namespace).toBe('default');
  });

  it('a missing address, file or profile stops start-up naming what is wrong', () => {
    expect(() => temporalConnectConfig({ ...base })).toThrow(ConfigError);
    expect(() => temporalConnectConfig({ ...base })).toThrow(/TEMPORAL_ADDRESS: not set/);
    expect(() => temporalConnectConfig({ ...base, TEMPORAL_CONFIG_FILE: join(dir, 'nope.toml') })).toThrow(
      /TEMPORAL_CONFIG_FILE: no such file/,
    );
    const toml = file('one.toml', '[profile.default]\naddress = "localhost:7233"\n');
    expect(() => temporalConnectConfig({ ...base, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'staging' })).toThrow(
      /Temporal connection: Profile 'staging' not found/,
    );
  });
});
