/**
 * `npx tsx server/main.ts`: the reference server for local development and the demo.
 * Configured by environment (see docs/server.md); stops cleanly on SIGTERM/SIGINT.
 * Serves `demo/dist` when it was built (`npm start` builds it first: server/start.ts).
 */
import { existsSync } from 'node:fs';
import { handleSignals, run, runFromEnv } from './cli';

const DEMO_BUILD = 'demo/dist';

run(async () => {
  const lifecycle = handleSignals();
  await runFromEnv(lifecycle, existsSync(DEMO_BUILD) ? DEMO_BUILD : undefined);
});
