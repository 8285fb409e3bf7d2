// Builds or resolves the Temporal tools into the cache (outside the repo); reused when present.
import { ensureTemporalCli } from './provision/temporalCli';
import { ensureTestServer } from './provision/testServer';

async function main() {
  console.log(`temporal CLI: ${await ensureTemporalCli()}`);
  console.log(`time-skipping test server: ${await ensureTestServer()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
