// `npm run provision:cluster [-- --retention-days 30]`: the namespace, its retention and the search
// attributes on whatever cluster the standard variables point at (TEMPORAL_ADDRESS, TLS paths or
// TEMPORAL_API_KEY, TEMPORAL_NAMESPACE). Prints what it did and what it could not do; exits 1 if anything is left.
import { Connection } from '@temporalio/client';
import { temporalConnectConfig } from '../../config/temporalConnection';
import { provisionNamespace } from './provisionNamespace';

function retentionDays(argv: string[]): number {
  const i = argv.indexOf('--retention-days');
  const days = i >= 0 ? Number(argv[i + 1]) : 30;
  if (!Number.isInteger(days) || days < 1) throw new Error('--retention-days must be a whole number of days (1 or more)');
  return days;
}

async function main() {
  const { connectionOptions, namespace = 'default' } = temporalConnectConfig();
  const connection = await Connection.connect(connectionOptions);
  try {
    const report = await provisionNamespace(connection, namespace, retentionDays(process.argv.slice(2)));
    for (const line of report.done) console.log(`done: ${line}`);
    for (const line of report.notDone) console.log(`NOT DONE: ${line}`);
    if (report.notDone.length) process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
