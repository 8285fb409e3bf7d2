// The second half of `npm run build`: the workflow code prebuilt into dist/ (the same bundle the SDK
// would otherwise build at every worker start), plain and with the OpenTelemetry workflow interceptors
// inside (the worker picks the second when OTEL_EXPORTER_OTLP_ENDPOINT is set), so a production worker
// starts without webpack and without the TypeScript sources.
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const workflowsPath = join(root, 'workflows', 'index.ts');
const otelInterceptors = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

const quiet = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(`[bundle] ${message}`),
  error: (message: string) => console.error(`[bundle] ${message}`),
};

async function main() {
  const out = join(root, 'dist');
  mkdirSync(out, { recursive: true });
  for (const [file, workflowInterceptorModules] of [
    ['workflow-bundle.js', []],
    ['workflow-bundle-otel.js', [otelInterceptors]],
  ] as const) {
    const started = Date.now();
    const { code } = await bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules: [...workflowInterceptorModules],
      logger: quiet,
    });
    writeFileSync(join(out, file), code);
    console.log(`dist/${file}: ${(code.length / 1024).toFixed(0)} KiB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
