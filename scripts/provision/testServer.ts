import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './cache';
import { run } from './run';

export const TEST_SERVER_VERSION = '1.31.0';

const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.cisco-programs</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

/**
 * Path of an executable that starts Temporal's time-skipping test server (the Java artifact from
 * Maven Central). @temporalio/testing runs it as `<path> <port>`, which is what TestServer's main takes.
 */
export async function ensureTestServer(): Promise<string> {
  const dir = join(cacheDir(), 'test-server', TEST_SERVER_VERSION);
  const wrapper = join(dir, 'temporal-test-server');
  if (existsSync(wrapper)) return wrapper;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pom);
  process.stderr.write(`Resolving io.temporal:temporal-test-server:${TEST_SERVER_VERSION} with Maven (first run only)...\n`);
  await run('mvn', ['-q', '-B', 'dependency:build-classpath', '-Dmdep.outputFile=classpath.txt'], { cwd: dir, label: 'mvn' });
  const classpath = readFileSync(join(dir, 'classpath.txt'), 'utf8').trim();
  const script = `#!/bin/sh\nexec java -Xss512k -XX:+UseSerialGC -cp '${classpath}' io.temporal.testserver.TestServer "$@"\n`;
  writeFileSync(`${wrapper}.tmp`, script);
  chmodSync(`${wrapper}.tmp`, 0o755);
  renameSync(`${wrapper}.tmp`, wrapper);
  return wrapper;
}
