import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** Our launcher of the test server, which can start its clock at a named date (see the file's comment). */
const LAUNCHER_SOURCE = resolve(__dirname, 'TestServerFrom.java');

/**
 * Path of an executable that starts Temporal's time-skipping test server (the Java artifact from Maven
 * Central) as `<path> <port> [--enable-time-skipping] [--start-at=<ISO instant>]`: @temporalio/testing
 * passes the first two, our harness the third (`extraArgs`). The launcher is compiled once with javac
 * beside the resolved classpath; a change to its source builds a new one.
 */
export async function ensureTestServer(): Promise<string> {
  const dir = join(cacheDir(), 'test-server', TEST_SERVER_VERSION);
  const source = readFileSync(LAUNCHER_SOURCE);
  const launcherId = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const wrapper = join(dir, `temporal-test-server-${launcherId}`);
  if (existsSync(wrapper)) return wrapper;
  mkdirSync(dir, { recursive: true });
  const classpathFile = join(dir, 'classpath.txt');
  if (!existsSync(classpathFile)) {
    writeFileSync(join(dir, 'pom.xml'), pom);
    process.stderr.write(`Resolving io.temporal:temporal-test-server:${TEST_SERVER_VERSION} with Maven (first run only)...\n`);
    await run('mvn', ['-q', '-B', 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}.tmp`], { cwd: dir, label: 'mvn' });
    renameSync(`${classpathFile}.tmp`, classpathFile);
  }
  const classpath = readFileSync(classpathFile, 'utf8').trim();
  const classes = join(dir, `launcher-${launcherId}`);
  mkdirSync(classes, { recursive: true });
  await run('javac', ['-cp', classpath, '-d', classes, LAUNCHER_SOURCE], { label: 'javac' });
  const script = `#!/bin/sh\nexec java -Xss512k -XX:+UseSerialGC -cp '${classes}:${classpath}' TestServerFrom "$@"\n`;
  writeFileSync(`${wrapper}.tmp`, script);
  chmodSync(`${wrapper}.tmp`, 0o755);
  renameSync(`${wrapper}.tmp`, wrapper);
  return wrapper;
}
