/**
 * [ext] Helpers for user streams (`/api/unet-chat/ws/`), shaped like the
 * conversation sockets of `__tests__/support/server.ts`.
 */
import WebSocket from 'ws';
import type { TestFrame, TestServer, TestSocket } from '../support/server';

/** `ws://…/api/unet-chat/ws/?WWW-Authenticate=Bearer%20{token}` (no slash before `?` with `slash: false`). */
export function streamUrl(server: TestServer, token: string | null, slash = true): string {
  const base = `${server.url.replace(/^http/, 'ws')}/api/unet-chat/ws${slash ? '/' : ''}`;
  return token === null
    ? base
    : `${base}?WWW-Authenticate=${encodeURIComponent(`Bearer ${token}`)}`;
}

/** Opens `url` and records its frames; resolves once open, or once closed if it never opens. */
export function openRecorded(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<TestSocket> {
  const raw = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
  const frames: TestFrame[] = [];
  const consumed = new Set<TestFrame>();
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    raw.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  raw.on('error', () => {
    // Surfaces through `closed` (1006).
  });
  raw.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as TestFrame);
    for (const wake of [...waiters]) wake();
  });
  const nextFrame = <Payload>(
    predicate: (frame: TestFrame) => boolean = () => true,
    timeoutMs = 2000,
  ): Promise<TestFrame<Payload>> =>
    new Promise((resolve, reject) => {
      const take = (): boolean => {
        const frame = frames.find((candidate) => !consumed.has(candidate) && predicate(candidate));
        if (!frame) return false;
        consumed.add(frame);
        resolve(frame as TestFrame<Payload>);
        return true;
      };
      if (take()) return;
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(
          new Error(
            `No matching frame within ${timeoutMs} ms; received: ${JSON.stringify(frames.map((f) => f.type))}`,
          ),
        );
      }, timeoutMs);
      const wake = () => {
        if (take()) {
          clearTimeout(timer);
          waiters.delete(wake);
        }
      };
      waiters.add(wake);
    });
  const socket: TestSocket = {
    frames,
    raw,
    closed,
    nextFrame,
    send: (frame) => raw.send(JSON.stringify(frame)),
    sendRaw: (data) => raw.send(data),
    close: (code) => raw.close(code),
  };
  return new Promise((resolve) => {
    raw.once('open', () => resolve(socket));
    void closed.then(() => resolve(socket));
  });
}

/** Opens a user stream with the token in the query string. */
export function openStream(server: TestServer, token: string): Promise<TestSocket> {
  return openRecorded(streamUrl(server, token));
}

/** Whether a frame is about `conversationId` (`conversation:deleted` names it `id`). */
export function isAbout(conversationId: string) {
  return (frame: TestFrame): boolean =>
    frame.payload.conversation_id === conversationId ||
    (frame.type.startsWith('conversation:') && frame.payload.id === conversationId);
}

/** The types of the frames received so far, without `presence` frames unless asked. */
export function typesOf(socket: TestSocket, keepPresence = false): string[] {
  return socket.frames
    .filter((frame) => keepPresence || frame.type !== 'presence')
    .map((frame) => frame.type);
}

/** Waits until `socket` has received a frame matching `predicate` (consumed or not). */
export async function waitForFrame(
  socket: TestSocket,
  predicate: (frame: TestFrame) => boolean,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!socket.frames.some(predicate)) {
    if (Date.now() > deadline) {
      throw new Error(`No matching frame; received ${JSON.stringify(typesOf(socket, true))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
