// `npm run drill:<name> -- [flags]`: one fault drill against the real stack; prints its figures and exits
// non-zero on any loss or duplicate (see README "Fault drills").
import { parseArgs, runBench } from '../bench/lib';
import { postgresOutageDrill, printPostgresOutage } from './postgresOutage';
import { printSmtpOutage, smtpOutageDrill } from './smtpOutage';
import { printTemporalRestart, temporalRestartDrill } from './temporalRestart';
import { printWorkerKills, workerKillsDrill } from './workerKills';

// A prebuilt workflow bundle when WORKFLOW_BUNDLE names one (npm test's short drills pass the suite's), else
// each drill bundles the workflows once itself.
const bundlePath = process.env.WORKFLOW_BUNDLE || undefined;

const drills: Record<string, (argv: string[]) => Promise<string[]>> = {
  'worker-kills': async (argv) => {
    const a = parseArgs(argv, { accounts: 2000, kills: 20, every: 3, workers: 2, 'timeout-min': 30 });
    const o = {
      accounts: a.accounts,
      kills: a.kills,
      everySeconds: a.every,
      workers: a.workers,
      timeoutMinutes: a['timeout-min'],
      bundlePath,
    };
    const r = await workerKillsDrill(o);
    printWorkerKills(o, r);
    return r.findings;
  },
  'postgres-outage': async (argv) => {
    const a = parseArgs(argv, {
      accounts: 1000,
      down: 60,
      lead: 10,
      tail: 20,
      clients: 4,
      'request-timeout': 30,
      'timeout-min': 20,
      'retry-refused': 0,
    });
    const o = {
      accounts: a.accounts,
      downSeconds: a.down,
      leadSeconds: a.lead,
      tailSeconds: a.tail,
      clients: a.clients,
      requestTimeoutSeconds: a['request-timeout'],
      timeoutMinutes: a['timeout-min'],
      retryRefused: a['retry-refused'] === 1,
      bundlePath,
    };
    const r = await postgresOutageDrill(o);
    printPostgresOutage(o, r);
    return r.findings;
  },
  'temporal-restart': async (argv) => {
    const a = parseArgs(argv, { lots: 1000, down: 60, workers: 1, 'timeout-min': 20 });
    const o = { lots: a.lots, downSeconds: a.down, workers: a.workers, timeoutMinutes: a['timeout-min'], bundlePath };
    const r = await temporalRestartDrill(o);
    printTemporalRestart(o, r);
    return r.findings;
  },
  'smtp-outage': async (argv) => {
    const a = parseArgs(argv, { accounts: 200, down: 600, 'timeout-min': 30 });
    const o = { accounts: a.accounts, downSeconds: a.down, timeoutMinutes: a['timeout-min'], bundlePath };
    const r = await smtpOutageDrill(o);
    printSmtpOutage(o, r);
    return r.findings;
  },
};

runBench(async () => {
  const [name, ...argv] = process.argv.slice(2);
  const drill = drills[name ?? ''];
  if (!drill) throw new Error(`usage: drills/main.ts <${Object.keys(drills).join('|')}> [--flag value ...]`);
  const findings = await drill(argv);
  process.exit(findings.length ? 1 : 0);
});
