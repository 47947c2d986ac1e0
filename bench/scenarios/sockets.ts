import { sleep } from '../harness';
import type { Context } from './context';

/** Waits until the bench server has `count` sockets on conversation `conversation`. */
export async function waitForClients(
  context: Context,
  conversation: number,
  count: number,
): Promise<void> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const clients = await context.sender.call('clients', { conversation });
    if (clients === count) return;
    if (performance.now() > deadline)
      throw new Error(`expected ${count} sockets on the bench server, it has ${clients}`);
    await sleep(5);
  }
}
