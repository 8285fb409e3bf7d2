import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClusterCerts {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** The name the server certificate is issued to; clients verify against it. */
  serverName: string;
}

const SERVER_NAME = 'localhost';

// node:crypto cannot sign X.509 certificates; the openssl CLI can and ships with every Linux and macOS.
function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(dir: string, name: string, subject: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '825',
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
}

/**
 * A private CA, a server certificate for the frontend (localhost, 127.0.0.1) and a client certificate,
 * generated at first start in `<dataDir>/certs` and reused after. Keys never leave the data dir.
 */
export function ensureClusterCerts(dataDir: string): ClusterCerts {
  const dir = join(dataDir, 'certs');
  const certs: ClusterCerts = {
    dir,
    caCert: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    serverName: SERVER_NAME,
  };
  const done = join(dir, 'complete');
  if (existsSync(done)) return certs;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '3650',
    '-subj',
    '/CN=cisco-programs cluster CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  issue(
    dir,
    'server',
    `/CN=${SERVER_NAME}`,
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:${SERVER_NAME},IP:127.0.0.1\n`,
  );
  issue(
    dir,
    'client',
    '/CN=cisco-programs client',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  // Written last: a start interrupted half-way generates a fresh set rather than using a partial one.
  writeFileSync(`${done}.tmp`, new Date().toISOString());
  renameSync(`${done}.tmp`, done);
  return certs;
}
