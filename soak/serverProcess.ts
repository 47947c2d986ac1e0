import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A free TCP port on 127.0.0.1 (the server is restarted on the same one). */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * The reference server as a real child process (`node --import tsx
 * server/main.ts`, one process, so SIGKILL kills the server itself), on a
 * fixed port and database file, so that it can be killed and started again
 * on the same data.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  starts = 0;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the server did not start in 30 s:\n${output}`)),
        30_000,
      );
      const onData = (data: Buffer) => {
        output += data.toString();
        if (output.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (data: Buffer) => (output += data.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (this.child === child) this.child = null;
        reject(new Error(`the server exited with ${code} while starting:\n${output}`));
      });
    });
    // Drain the logs so a full pipe never blocks the server.
    child.stdout?.resume();
    child.stderr?.resume();
  }

  /** SIGKILL: no graceful close of sockets, no WAL checkpoint — a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
}
