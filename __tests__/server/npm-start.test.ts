/**
 * `npm start` as a person or a process manager runs it: the real npm, the real
 * process tree, real signals. After SIGTERM or SIGINT nothing may be left
 * running and the port must be free for the next start.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rawRequest } from '../support/server';
import { API } from './fixtures';

const ROOT = resolve(__dirname, '../..');
const START_TIMEOUT_MS = 90_000;

jest.setTimeout(4 * START_TIMEOUT_MS);

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Whether something can listen on `port` again. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const probe = createServer();
    probe.once('error', () => resolveFree(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolveFree(true)));
  });
}

/** Parent pid of every live process, from /proc. */
function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command may contain spaces and parentheses; fields resume after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  return parents;
}

/** `pid` and every process below it. */
function processTree(pid: number): number[] {
  const parents = parentsByPid();
  const tree = [pid];
  for (let index = 0; index < tree.length; index += 1) {
    for (const [child, parent] of parents) if (parent === tree[index]) tree.push(child);
  }
  return tree;
}

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie has ended; it only waits for its parent to read its status.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

interface NpmStart {
  child: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<number | null>;
  /** The whole tree while it runs: npm, node and whatever they started. */
  tree: number[];
}

const running = new Set<NpmStart>();

async function npmStart(dir: string, port: number): Promise<NpmStart> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    CHAT_DB: join(dir, 'chat.sqlite'),
    // Its own build folder: the browser tests are serving demo/dist meanwhile.
    DEMO_DIST: join(dir, 'dist'),
  };
  delete env.NODE_ENV;
  delete env.JWT_SECRET;
  // Its own process group, so a Ctrl+C (SIGINT to the group) can be imitated.
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: 'pipe' });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const started: NpmStart = { child, pid: child.pid ?? 0, output: () => text, exited, tree: [] };
  running.add(started);
  await waitUntil(
    () => /Demo users:[\s\S]*elena/.test(text) || child.exitCode !== null,
    START_TIMEOUT_MS,
    `npm start to print its banner; output so far:\n${text}`,
  );
  if (child.exitCode !== null) throw new Error(`npm start exited early:\n${text}`);
  started.tree = processTree(started.pid);
  return started;
}

async function expectStoppedCleanly(started: NpmStart, port: number): Promise<void> {
  const code = await started.exited;
  expect(code).toBe(0);
  await waitUntil(
    () => started.tree.every((pid) => !isAlive(pid)),
    10_000,
    `every process of the tree to end: ${started.tree.filter(isAlive).join(', ')}`,
  );
  expect(await portIsFree(port)).toBe(true);
  running.delete(started);
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unet-chat-npm-start-'));
});

afterEach(() => {
  for (const started of running) {
    // A failed test must not leave a server behind: kill what this test started.
    for (const pid of started.tree) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  running.clear();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('prints the URL and the demo users, and on SIGTERM to npm leaves no process and a free port', async () => {
    const port = await freePort();
    const started = await npmStart(dir, port);
    const url = `http://127.0.0.1:${port}`;
    expect(started.output()).toContain(`listening on ${url}`);
    for (const username of ['aibek', 'aizada', 'bakyt', 'elena']) {
      expect(started.output()).toContain(username);
    }
    expect(started.tree.length).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${url}/`)).status).toBe(200);

    process.kill(started.pid, 'SIGTERM');
    await expectStoppedCleanly(started, port);

    // And the next start takes the same port.
    const again = await npmStart(dir, port);
    process.kill(again.pid, 'SIGTERM');
    await expectStoppedCleanly(again, port);
  });

  it('stops on SIGINT to npm alone, and on Ctrl+C (SIGINT to the whole group)', async () => {
    const port = await freePort();
    const first = await npmStart(dir, port);
    process.kill(first.pid, 'SIGINT');
    await expectStoppedCleanly(first, port);

    const second = await npmStart(dir, port);
    process.kill(-second.pid, 'SIGINT');
    await expectStoppedCleanly(second, port);
  });

  it('keeps everyone logged in across a restart: the secret is persisted beside the database, mode 0600', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const first = await npmStart(dir, port);
    const login = await rawRequest<{ access: string; refresh: string }>(
      url,
      'POST',
      '/api/auth/login/',
      { body: { username: 'aibek', password: 'demo' } },
    );
    expect(login.status).toBe(200);
    process.kill(first.pid, 'SIGTERM');
    await expectStoppedCleanly(first, port);

    const secretFile = join(dir, 'chat.sqlite.jwt-secret');
    expect(existsSync(secretFile)).toBe(true);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);

    // A new process, so nothing but the file can carry the secret over.
    const second = await npmStart(dir, port);
    const users = await rawRequest(url, 'GET', `${API}/users/`, { token: login.body.access });
    expect(users.status).toBe(200);
    const refreshed = await rawRequest<{ access: string; refresh: string }>(
      url,
      'POST',
      '/api/auth/refresh/',
      { body: { refresh: login.body.refresh } },
    );
    expect(refreshed.status).toBe(200);
    process.kill(second.pid, 'SIGTERM');
    await expectStoppedCleanly(second, port);
  });
});
