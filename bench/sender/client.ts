import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { SenderReply, SenderRequest, SenderResults } from './protocol';

type Op = SenderRequest['op'];
type ArgsOf<Name extends Op> = Omit<Extract<SenderRequest, { op: Name }>, 'id' | 'op'>;

/**
 * The parent's handle on the sender process (bench/sender/process.ts),
 * started with `node --import tsx` and driven over IPC.
 */
export class SenderProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: SenderReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    /** The minimal bench server, `http://127.0.0.1:PORT`. */
    readonly url: string,
  ) {
    child.on('message', (reply: SenderReply) => {
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  static async start(): Promise<SenderProcess> {
    const child = fork(path.join(__dirname, 'process.ts'), [], {
      // Not the parent's flags (--expose-gc, --cpu-prof): the sender is plain node + tsx.
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the sender did not start in 30 s')), 30_000);
      child.once('message', (reply: SenderReply) => {
        clearTimeout(timer);
        if (reply.ok) resolve(reply.result as string);
        else reject(new Error(reply.error));
      });
      child.once('exit', (code) => reject(new Error(`the sender exited with ${code}`)));
    });
    return new SenderProcess(child, url);
  }

  call<Name extends Op>(op: Name, args: ArgsOf<Name>): Promise<SenderResults[Name]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) => {
        if (reply.ok) resolve(reply.result as SenderResults[Name]);
        else reject(new Error(`sender: ${op} failed: ${reply.error}`));
      });
      this.child.send({ id, op, ...args } as SenderRequest);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call('stop', {}).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
