import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { startServer } from '../../server';
import type { ServerOptions } from '../../server';
import { BenchServer } from './benchServer';
import type { BurstRequest, SceneConversation } from './benchServer';
import type { SenderReply, SenderRequest } from './protocol';

/**
 * The sender process: everything that produces traffic for the benchmarks,
 * in a process of its own so that its work never runs on the receivers'
 * event loop. It hosts the minimal bench server (bursts, live frames,
 * history pages, the render page) and, for the latency scenario, the real
 * reference server with a background sender. Driven by its parent over IPC.
 */

const bench = new BenchServer();
let reference: { url: string; close(): Promise<void> } | null = null;
let traffic: { stop(): number } | null = null;

function startTraffic(url: string, token: string, conversationId: string, perSecond: number) {
  const socketUrl =
    `${url.replace(/^http/, 'ws')}/api/unet-chat/ws/conversations/${conversationId}/` +
    `?WWW-Authenticate=${encodeURIComponent(`Bearer ${token}`)}`;
  const ws = new WebSocket(socketUrl);
  ws.on('error', () => undefined);
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const started = performance.now();
  const interval = 1000 / perSecond;
  // Scheduled against the start time, so timer lateness does not lower the rate.
  const tick = () => {
    if (stopped) return;
    while (sent <= (performance.now() - started) / interval) {
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(
          JSON.stringify({
            type: 'message:send',
            payload: { text: `background ${sent}`, reply_to: null, client_id: randomUUID() },
          }),
        );
      }
      sent += 1;
    }
    timer = setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
  };
  ws.once('open', tick);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      ws.close();
      return sent;
    },
  };
}

async function handle(request: SenderRequest): Promise<unknown> {
  switch (request.op) {
    case 'scene':
      bench.scene(request.conversations as SceneConversation[]);
      return null;
    case 'prepare':
      return bench.prepare(request.burst as BurstRequest);
    case 'go':
      return bench.go(request.key);
    case 'live':
      return bench.live(request.conversation, request.seq, request.delayMs);
    case 'clients':
      return bench.clients(request.conversation);
    case 'static':
      bench.setStaticDir(request.dir);
      return null;
    case 'startReference': {
      if (!reference) {
        // `rateLimits: false` for a server that has them: the background traffic is the load here.
        const options: ServerOptions & { rateLimits?: boolean } = {
          port: 0,
          db: ':memory:',
          rateLimits: false,
        };
        reference = await startServer(options);
      }
      return reference.url;
    }
    case 'startTraffic':
      if (!reference) throw new Error('the reference server is not running');
      traffic?.stop();
      traffic = startTraffic(reference.url, request.token, request.conversationId, request.rate);
      return null;
    case 'stopTraffic': {
      const sent = traffic?.stop() ?? 0;
      traffic = null;
      return sent;
    }
    case 'stop':
      traffic?.stop();
      await reference?.close();
      await bench.close();
      setImmediate(() => process.exit(0));
      return null;
  }
}

async function main(): Promise<void> {
  const url = await bench.listen();
  process.on('message', (message: SenderRequest) => {
    void handle(message).then(
      (result) => process.send?.({ id: message.id, ok: true, result } satisfies SenderReply),
      (error: unknown) =>
        process.send?.({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies SenderReply),
    );
  });
  // The parent gone means the run is over.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ id: 0, ok: true, result: url } satisfies SenderReply);
}

void main();
