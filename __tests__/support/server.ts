/**
 * Test helpers around the reference server: start one on a free port with an
 * in-memory database, log in as a demo user, call REST, open sockets.
 *
 * @example
 * const server = await startTestServer();
 * const aibek = await server.login('aibek');
 * const { status, body } = await aibek.request<Conversation>('POST', '/api/unet-chat/conversations/', { type: 'group' });
 * const socket = await server.openSocket(body.id, aibek.access);
 * await server.close();
 */
import WebSocket from 'ws';
import { startServer } from '../../server';
import type { ServerOptions } from '../../server';

export type { ServerOptions } from '../../server';

/** A demo user as the login answer describes them. */
export interface TestUser {
  id: number;
  username: string;
  full_name: string;
}

/** The answer of a request: its status and its JSON body (null when empty, e.g. 204). */
export interface TestResponse<Body = unknown> {
  status: number;
  body: Body;
}

/** A logged-in demo user. */
export interface Session {
  user: TestUser;
  access: string;
  refresh: string;
  /** Calls `path` (relative to the server origin) with `Authorization: Bearer <access>`. */
  request<Body = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<TestResponse<Body>>;
}

/** A frame received from the server. */
export interface TestFrame<Payload = Record<string, unknown>> {
  type: string;
  payload: Payload;
}

/** A client socket that records every frame it receives. */
export interface TestSocket {
  /** Every frame received so far, in order (consumed or not). */
  frames: TestFrame[];
  /** Sends `frame` as JSON text. */
  send(frame: unknown): void;
  /** Sends `data` as is (a text frame). */
  sendRaw(data: string): void;
  /**
   * The first frame not yet returned by `nextFrame` that matches `predicate`,
   * waiting for it when none has arrived yet; rejects after `timeoutMs` (default 2000).
   */
  nextFrame<Payload = Record<string, unknown>>(
    predicate?: (frame: TestFrame) => boolean,
    timeoutMs?: number,
  ): Promise<TestFrame<Payload>>;
  /** Resolves with the close code and reason once the socket is closed (by either side). */
  closed: Promise<{ code: number; reason: string }>;
  close(code?: number): void;
  /** The underlying `ws` client. */
  raw: WebSocket;
}

/** A running reference server plus helpers to talk to it. */
export interface TestServer {
  url: string;
  port: number;
  options: ServerOptions;
  login(username: 'aibek' | 'aizada' | 'bakyt' | 'elena'): Promise<Session>;
  /** `ws://…/api/unet-chat/ws/conversations/{id}/?WWW-Authenticate=Bearer%20{token}` */
  socketUrl(conversationId: string, token: string): string;
  /** Resolves once the socket is open, or once it is closed if it never opens: check `closed`. */
  openSocket(conversationId: string, token: string): Promise<TestSocket>;
  /** Closes the server (open sockets receive 1001), then any client socket still open. */
  close(): Promise<void>;
}

/**
 * Sends a request with an optional bearer token; a body other than a string is
 * sent as JSON, a string is sent raw with `headers`' content type (default JSON).
 */
export async function rawRequest<Body = unknown>(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<TestResponse<Body>> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  Object.assign(headers, options.headers);
  const response = await fetch(url + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed as Body };
}

function openTestSocket(address: string, registry: Set<WebSocket>): Promise<TestSocket> {
  const raw = new WebSocket(address);
  registry.add(raw);
  const frames: TestFrame[] = [];
  const consumed = new Set<TestFrame>();
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    raw.on('close', (code, reason) => {
      registry.delete(raw);
      resolve({ code, reason: reason.toString() });
    });
  });
  raw.on('error', () => {
    // Connection failures surface through `closed` (code 1006).
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

/**
 * Starts the reference server on a free port with an in-memory database
 * (unless `options` says otherwise).
 */
export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const resolved: ServerOptions = { port: 0, db: ':memory:', ...options };
  const server = await startServer(resolved);
  const sockets = new Set<WebSocket>();

  const login = async (username: string): Promise<Session> => {
    const { status, body } = await rawRequest<{ access: string; refresh: string; user: TestUser }>(
      server.url,
      'POST',
      '/api/auth/login/',
      { body: { username, password: 'demo' } },
    );
    if (status !== 200) throw new Error(`login as ${username} answered ${status}`);
    const session: Session = {
      ...body,
      request: (method, path, requestBody) =>
        rawRequest(server.url, method, path, { body: requestBody, token: session.access }),
    };
    return session;
  };

  const socketUrl = (conversationId: string, token: string) =>
    `${server.url.replace(/^http/, 'ws')}/api/unet-chat/ws/conversations/${conversationId}/` +
    `?WWW-Authenticate=${encodeURIComponent(`Bearer ${token}`)}`;

  return {
    url: server.url,
    port: server.port,
    options: resolved,
    login,
    socketUrl,
    openSocket: (conversationId, token) =>
      openTestSocket(socketUrl(conversationId, token), sockets),
    close: async () => {
      await server.close();
      for (const socket of sockets) socket.terminate();
    },
  };
}
