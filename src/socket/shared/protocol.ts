/**
 * The messages tabs exchange on a scope's channel. Every message names its
 * sender (`from`, a member id: one per tab and scope); requests to the
 * leader name it in `to`. Messages come from other tabs, maybe running
 * another build, so each passes {@link readTabMessage} before it is used.
 */

/** Bumped on any change of the messages: tabs of different versions never share a channel. */
export const PROTOCOL_VERSION = 1;

export type TabMessage =
  // Election and liveness.
  /** A member joined (or lost its leader) and asks who leads. */
  | { t: 'hello'; from: string }
  /** The sender leads, since the election numbered `epoch` (an announcement, or an answer). */
  | { t: 'leader'; from: string; epoch: number }
  /** The leader stops leading (its tab closes, or its owner disposed it). */
  | { t: 'resign'; from: string; epoch: number }
  /** A member leaves (no answer expected). */
  | { t: 'bye'; from: string }
  /** Fallback election: the sender wants to lead from `epoch` on. */
  | { t: 'claim'; from: string; epoch: number }
  /** Fallback election: are you there? (`to` is a member id, or `*` for a leader's roll call). */
  | { t: 'probe'; from: string; to: string }
  /** The answer to a probe. */
  | { t: 'here'; from: string; to: string }
  // A follower's virtual socket, relayed to the leader.
  | { t: 'open'; from: string; to: string; sid: string; url: string }
  | { t: 'send'; from: string; to: string; sid: string; data: string }
  | { t: 'close'; from: string; to: string; sid: string; code: number; reason: string }
  // The leader's real sockets, relayed to the followers' virtual sockets.
  | { t: 'opened'; from: string; sids: string[] }
  | { t: 'frame'; from: string; key: string; data: string }
  | { t: 'closed'; from: string; sids: string[]; code: number; reason: string }
  | { t: 'error'; from: string; sids: string[]; message: string };

type Fields = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(isString);
const isCode = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 10_000;
const isEpoch = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The fields each message type must have, with their checks (`t` and `from` are checked for all). */
const shapes: Record<TabMessage['t'], Record<string, (value: unknown) => boolean>> = {
  hello: {},
  leader: { epoch: isEpoch },
  resign: { epoch: isEpoch },
  bye: {},
  claim: { epoch: isEpoch },
  probe: { to: isString },
  here: { to: isString },
  open: { to: isString, sid: isString, url: isString },
  send: { to: isString, sid: isString, data: isString },
  close: { to: isString, sid: isString, code: isCode, reason: isString },
  opened: { sids: isStrings },
  frame: { key: isString, data: isString },
  closed: { sids: isStrings, code: isCode, reason: isString },
  error: { sids: isStrings, message: isString },
};

/**
 * The message carried by `data` (`{ v, m }`), or null when it is not one of
 * this version's: another version's tab, a stray post, a corrupt clone.
 */
export function readTabMessage(data: unknown): TabMessage | null {
  if (!data || typeof data !== 'object') return null;
  const envelope = data as Fields;
  if (envelope.v !== PROTOCOL_VERSION) return null;
  const message = envelope.m as Fields | null;
  if (!message || typeof message !== 'object' || !isString(message.from)) return null;
  if (!isString(message.t) || !Object.prototype.hasOwnProperty.call(shapes, message.t)) return null;
  const shape = shapes[message.t as TabMessage['t']];
  for (const [field, check] of Object.entries(shape)) if (!check(message[field])) return null;
  return message as unknown as TabMessage;
}

/** The envelope {@link readTabMessage} reads. */
export function wrapTabMessage(message: TabMessage): { v: number; m: TabMessage } {
  return { v: PROTOCOL_VERSION, m: message };
}

/**
 * What identifies a real socket: the URL without its query (which carries
 * the token). Tabs asking for one conversation with different tokens share
 * one socket, opened with the URL of the request that found none open — the
 * newest request at that time; a later 4401 makes every tab refresh and ask
 * again, and the socket reopens with the newest token.
 */
export function socketKey(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
