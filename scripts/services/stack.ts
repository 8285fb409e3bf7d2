// What every start script shares: the stops of what it started, run newest first (each pushed with
// unshift) on Ctrl-C, SIGTERM or a failure, so nothing it started outlives it.
import { ConfigError } from '../../config/env';
import type { Child } from './child';

export function stackLifecycle() {
  const stops: (() => Promise<void>)[] = [];
  let shuttingDown = false;
  async function shutdown(code: number): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log('\nstopping...');
    for (const stop of stops) await stop().catch((err) => console.error(err));
    process.exit(code);
  }
  /** Runs `main`; a configuration problem is said in one sentence, anything else with its stack. */
  function run(main: () => Promise<void>): void {
    process.on('SIGINT', () => void shutdown(0));
    process.on('SIGTERM', () => void shutdown(0));
    main().catch(async (err) => {
      console.error(err instanceof ConfigError ? err.message : err);
      await shutdown(1);
    });
  }
  /** A child the stack needs: stopped with the rest, and if it dies, everything stops. */
  function supervise(c: Child): void {
    stops.unshift(() => c.stop());
    c.process.once('exit', (code) => {
      if (shuttingDown) return;
      console.error(`${c.name} exited (${code}); stopping everything`);
      void shutdown(1);
    });
  }
  return { stops, run, supervise };
}
