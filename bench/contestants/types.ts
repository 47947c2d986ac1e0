import { performance } from 'node:perf_hooks';
import type { EventLoopUtilization } from 'node:perf_hooks';
import WebSocket from 'ws';

/**
 * What every contestant implements. A contestant is a way of getting socket
 * frames into client-side state; an instance is one client (one store or
 * one array) connected to the sender's server, with its history loaded.
 */

export type ContestantKey =
  'floor' | 'rtkQueryStreaming' | 'listener' | 'reduxWebsocket' | 'batched' | 'package';

/** Where an instance connects, and as whom. */
export interface Target {
  httpUrl: string;
  token: string;
  userId: number;
}

export interface OpenOptions {
  target: Target;
  /** Conversations to hold; `history` is how many messages of each to load before returning. */
  conversations: ReadonlyArray<{ id: string; history: number }>;
  probe: Probe;
  /**
   * Load history in pages of this size (newest first, then scroll-back),
   * instead of each contestant's own way. The package always pages.
   */
  pageSize?: number;
  /** Only load the newest page (scroll-back measures the rest). */
  newestPageOnly?: boolean;
}

/** "Is the burst in?", asked after every state change: cheap for every contestant. */
export type DoneCheck =
  | { kind: 'new'; conversationId: string; id: string }
  | { kind: 'updated'; conversationId: string; id: string; text: string | null }
  | { kind: 'deleted'; conversationId: string; id: string };

export interface Instance {
  /** Whether the change `check` names is in the state (O(1) for every contestant). */
  isDone(check: DoneCheck): boolean;
  /** Messages of a conversation the state holds (may be O(n): never inside a timed part). */
  count(conversationId: string): number;
  /** Called after every change of the state (after each dispatch, or each frame of the floor). */
  onChange(listener: () => void): () => void;
  /** Loads the page older than the oldest loaded one; resolves once it is in the state. */
  loadOlder?(conversationId: string): Promise<void>;
  /** Milliseconds spent applying the last older page to the state (the store's part of a page). */
  lastApplyMs?: () => number;
  /** Waits until nothing transient is held (request caches that expire on their own). */
  settle?(): Promise<void>;
  close(): Promise<void>;
}

export interface Contestant {
  key: ContestantKey;
  /** As the report names it. */
  name: string;
  /** Applies frames one state change per frame, so bursts get a time cap (see the burst scenario). */
  perFrame: boolean;
  /** Can load history in pages (scroll-back). */
  pages: boolean;
  open(options: OpenOptions): Promise<Instance>;
}

/**
 * Instrumentation shared by all contestants. `attach` puts the probe's
 * listener first on a socket, before the contestant's own, so "the first frame
 * arrived" means the same for everyone; `aborted` tells per-frame contestants
 * to drop frames once a burst hit its time cap; `onLanded` (latency) is told
 * of every message once it is in the state.
 */
export class Probe {
  aborted = false;
  frames = 0;
  firstFrameAt = Number.NaN;
  lastFrameAt = Number.NaN;
  /** Event-loop busy time at the last frame's arrival, when `trackElu` is on. */
  lastFrameElu: EventLoopUtilization | null = null;
  trackElu = false;
  onLanded: ((message: { client_id?: string | null }) => void) | null = null;

  reset(): void {
    this.aborted = false;
    this.frames = 0;
    this.firstFrameAt = Number.NaN;
    this.lastFrameAt = Number.NaN;
    this.lastFrameElu = null;
  }

  readonly onFrame = (): void => {
    const now = performance.now();
    this.frames += 1;
    if (Number.isNaN(this.firstFrameAt)) this.firstFrameAt = now;
    this.lastFrameAt = now;
    if (this.trackElu) this.lastFrameElu = performance.eventLoopUtilization();
  };

  attach(ws: WebSocket): void {
    ws.on('message', this.onFrame);
  }

  /** `ws`'s `WebSocket` with the probe attached to every socket it opens (for code that constructs its own). */
  webSocketClass(): new (address: string, protocols?: string | string[]) => WebSocket {
    const attach = (ws: WebSocket) => this.attach(ws);
    return class ProbedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        attach(this);
      }
    };
  }
}

/** The contract's socket URL (the token in the query string, as the seed server expects). */
export function socketUrl(httpUrl: string, conversationId: string, token: string): string {
  return (
    `${httpUrl.replace(/^http/, 'ws')}/api/unet-chat/ws/conversations/${conversationId}/` +
    `?WWW-Authenticate=${encodeURIComponent(`Bearer ${token}`)}`
  );
}

/** Resolves once `ws` is open; rejects when it closes first. */
export function opened(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.OPEN) return Promise.resolve();
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`socket closed with ${code} before opening`)));
  });
}

/** Closes `ws` and resolves once it is closed (or after 2 s). */
export function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 2000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close();
  });
}

/** GET with the bench token; the body parsed. */
export async function getJson<Body>(target: Target, pathAndQuery: string): Promise<Body> {
  const response = await fetch(`${target.httpUrl}/api/unet-chat${pathAndQuery}`, {
    headers: { authorization: `Bearer ${target.token}` },
  });
  if (!response.ok) throw new Error(`GET ${pathAndQuery} answered ${response.status}`);
  return (await response.json()) as Body;
}

/** A set of listeners, called in order. */
export class Listeners {
  private readonly set = new Set<() => void>();
  add(listener: () => void): () => void {
    this.set.add(listener);
    return () => void this.set.delete(listener);
  }
  readonly notify = (): void => {
    for (const listener of this.set) listener();
  };
}
