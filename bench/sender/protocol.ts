import type { BurstRequest, PreparedBurst, SceneConversation } from './benchServer';

/** A request of the parent to the sender process; `id` pairs it with its reply. */
export type SenderRequest = { id: number } & (
  | { op: 'scene'; conversations: SceneConversation[] }
  | { op: 'prepare'; burst: BurstRequest }
  | { op: 'go'; key: string }
  | { op: 'live'; conversation: number; seq: number; delayMs: number }
  | { op: 'clients'; conversation: number }
  | { op: 'static'; dir: string }
  | { op: 'startReference' }
  | { op: 'startTraffic'; token: string; conversationId: string; rate: number }
  | { op: 'stopTraffic' }
  | { op: 'stop' }
);

export type SenderReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** What each request answers. */
export interface SenderResults {
  scene: null;
  prepare: PreparedBurst;
  go: number;
  live: { id: string; clients: number };
  clients: number;
  static: null;
  startReference: string;
  startTraffic: null;
  stopTraffic: number;
  stop: null;
}
