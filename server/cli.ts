import { optionsFromEnv } from './config';
import { DEMO_PASSWORD, DEMO_USERS, startServer } from './index';

function demoUsersTable(): string {
  const rows = DEMO_USERS.map((user) => [user.username, user.full_name, DEMO_PASSWORD]);
  const all = [['username', 'full name', 'password'], ...rows];
  const widths = [0, 1, 2].map((column) => Math.max(...all.map((row) => row[column]?.length ?? 0)));
  const line = (row: string[]) =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return all.map(line).join('\n');
}

/** What the command line entries share: how to stop, set up before anything slow starts. */
export interface Lifecycle {
  /** Set once SIGTERM or SIGINT arrived. */
  readonly stopping: boolean;
  /** What to close on a signal; until one is set a signal exits at once. */
  onStop(close: () => Promise<void>): void;
}

/**
 * Installs the SIGTERM/SIGINT handling of a command line entry: the first
 * signal closes what `onStop` registered (or exits at once if nothing was yet)
 * and exits 0; a second signal exits 1 at once.
 */
export function handleSignals(): Lifecycle {
  let close: (() => Promise<void>) | null = null;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: shutting down`);
    if (close === null) process.exit(0);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return {
    get stopping() {
      return stopping;
    },
    onStop(next) {
      close = next;
    },
  };
}

/**
 * Starts the server configured by the environment, prints its URL and the demo
 * users, and closes it gracefully when `lifecycle` sees a signal.
 */
export async function runFromEnv(
  lifecycle: Lifecycle,
  defaultStaticDir: string | undefined,
): Promise<void> {
  const options = optionsFromEnv(process.env, defaultStaticDir);
  const server = await startServer(options);
  lifecycle.onStop(() => server.close());
  console.log(`\nunet-chat reference server listening on ${server.url}`);
  console.log(`database: ${options.db}`);
  console.log(
    options.staticDir ? `demo: ${server.url}/ (from ${options.staticDir})` : 'demo: not built',
  );
  console.log(`\nDemo users:\n${demoUsersTable()}\n`);
}

/** Runs `main`, exiting 1 with its error if it fails. */
export function run(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
