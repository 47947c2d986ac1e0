/**
 * `npm start`: builds the demo with Vite's API, then runs the server, all in
 * this one process (`exec node --import tsx server/start.ts`). There is no
 * shell or second process in between, so SIGTERM or SIGINT reaches the server
 * itself: it closes gracefully and nothing is left on the port.
 *
 * `DEMO_DIST` (default `demo/dist`) is where the demo is built and served from.
 */
import { resolve } from 'node:path';
import { handleSignals, run, runFromEnv } from './cli';

run(async () => {
  // Before the build: a signal during it simply exits.
  const lifecycle = handleSignals();
  const outDir = resolve(process.env.DEMO_DIST || 'demo/dist');
  const { build } = await import('vite');
  console.log(`building the demo into ${outDir} …`);
  await build({
    configFile: resolve('demo/vite.config.mts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  if (lifecycle.stopping) return;
  await runFromEnv(lifecycle, outDir);
});
