/**
 * `npx tsx server/main.ts`: the reference server for local development and the demo.
 * Configured by environment (see docs/server.md); stops cleanly on SIGTERM/SIGINT.
 */
import { existsSync } from 'node:fs';
import { optionsFromEnv } from './config';
import { DEMO_PASSWORD, DEMO_USERS, startServer } from './index';

const DEMO_BUILD = 'demo/dist';

function demoUsersTable(): string {
  const rows = DEMO_USERS.map((user) => [user.username, user.full_name, DEMO_PASSWORD]);
  const all = [['username', 'full name', 'password'], ...rows];
  const widths = [0, 1, 2].map((column) => Math.max(...all.map((row) => row[column]?.length ?? 0)));
  const line = (row: string[]) =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return all.map(line).join('\n');
}

async function main(): Promise<void> {
  const options = optionsFromEnv(process.env, existsSync(DEMO_BUILD) ? DEMO_BUILD : undefined);
  const server = await startServer(options);
  console.log(`\nunet-chat reference server listening on ${server.url}`);
  console.log(`database: ${options.db}`);
  console.log(
    options.staticDir ? `demo: ${server.url}/ (from ${options.staticDir})` : 'demo: not built',
  );
  console.log(`\nDemo users:\n${demoUsersTable()}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal means "now": skip the graceful path.
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
