import type { Conversation, Message } from '../api/types';
import { isReservedName } from '../state/reservedNames';

/**
 * The WebSocket frames of the contract, as typed events. Decoding checks
 * every payload at run time: a frame from the network is `unknown` until a
 * guard says otherwise, and a bad frame is reported and dropped, never thrown.
 */

/**
 * Payload of `message:deleted`.
 *
 * @example
 * ```ts
 * const payload: MessageDeletedPayload = { id: 'm1', conversation_id: 'c1' };
 * ```
 */
export interface MessageDeletedPayload {
  id: string;
  conversation_id: string;
}

/**
 * Payload of `participant:added` and `participant:removed`.
 *
 * @example
 * ```ts
 * const payload: ParticipantPayload = { conversation_id: 'c1', user_id: 7 };
 * ```
 */
export interface ParticipantPayload {
  conversation_id: string;
  user_id: number;
}

/**
 * Payload of `conversation:deleted`.
 *
 * @example
 * ```ts
 * const payload: ConversationDeletedPayload = { id: 'c1' };
 * ```
 */
export interface ConversationDeletedPayload {
  id: string;
}

/**
 * Payload of `error`: the server refused something; `client_id` names the send it refused.
 *
 * @example
 * ```ts
 * const payload: ErrorPayload = { code: 'forbidden', detail: 'Not a participant', client_id: 'k1' };
 * ```
 */
export interface ErrorPayload {
  code: string;
  detail: string;
  client_id?: string | null;
  /** [ext] With `rate_limited`: how long to wait before sending again. */
  retry_after_ms?: number;
}

/**
 * [ext] Payload of `read:updated`: a participant's read cursor moved.
 *
 * @example
 * ```ts
 * const payload: ReadPayload = { conversation_id: 'c1', user_id: 2, last_read_message_id: 'm9' };
 * ```
 */
export interface ReadPayload {
  conversation_id: string;
  user_id: number;
  last_read_message_id: string | null;
}

/**
 * [ext] Payload of `typing`: a participant is typing.
 *
 * @example
 * ```ts
 * const payload: TypingPayload = { conversation_id: 'c1', user_id: 2 };
 * ```
 */
export interface TypingPayload {
  conversation_id: string;
  user_id: number;
}

/**
 * [ext] Payload of `presence`: a user came online or went offline.
 *
 * @example
 * ```ts
 * const payload: PresencePayload = { user_id: 2, online: false, last_seen_at: '2026-01-01T12:00:00Z' };
 * ```
 */
export interface PresencePayload {
  user_id: number;
  online: boolean;
  last_seen_at?: string | null;
}

/**
 * A frame from the server, decoded. `pong` answers our `ping` and is consumed
 * by the heartbeat.
 *
 * @example
 * ```ts
 * function handle(event: ServerEvent) {
 *   if (event.type === 'message:new') console.log(event.payload.text);
 * }
 * ```
 */
export type ServerEvent =
  | { type: 'message:new'; payload: Message }
  | { type: 'message:updated'; payload: Message }
  | { type: 'message:deleted'; payload: MessageDeletedPayload }
  | { type: 'participant:added'; payload: ParticipantPayload }
  | { type: 'participant:removed'; payload: ParticipantPayload }
  | { type: 'conversation:deleted'; payload: ConversationDeletedPayload }
  | { type: 'conversation:created'; payload: Conversation }
  | { type: 'conversation:updated'; payload: Conversation }
  | { type: 'read:updated'; payload: ReadPayload }
  | { type: 'typing'; payload: TypingPayload }
  | { type: 'presence'; payload: PresencePayload }
  | { type: 'error'; payload: ErrorPayload }
  | { type: 'pong' };

/**
 * The `type` of a server frame.
 *
 * @example
 * ```ts
 * const live: ServerEventType[] = ['message:new', 'message:updated'];
 * ```
 */
export type ServerEventType = ServerEvent['type'];

/**
 * The server event of one type.
 *
 * @example
 * ```ts
 * const onDeleted = (event: ServerEventOf<'message:deleted'>) => event.payload.id;
 * ```
 */
export type ServerEventOf<Type extends ServerEventType> = Extract<ServerEvent, { type: Type }>;

/**
 * A frame the client sends. `message:send` is the contract's default; a
 * server that spells it differently gets its own {@link FrameCodec}.
 *
 * @example
 * ```ts
 * const frame: ClientFrame = { type: 'message:send', payload: { text: 'Hi', reply_to: null, client_id } };
 * ```
 */
export type ClientFrame =
  | {
      type: 'message:send';
      payload: {
        text: string;
        reply_to: string | null;
        client_id: string;
        /** [ext] On the user stream, which conversation; implied on a conversation socket. */
        conversation_id?: string;
      };
    }
  | { type: 'typing'; payload?: { conversation_id: string } }
  | { type: 'ping' };

/**
 * The outcome of decoding one frame. On failure `raw` holds the start of the
 * frame (at most {@link RAW_EXCERPT_LENGTH} characters), enough to log
 * without flooding a log with a huge payload.
 *
 * @example
 * ```ts
 * const result = defaultFrameCodec.decode(data);
 * if (!result.ok) console.warn(result.reason, result.raw);
 * ```
 */
export type DecodeResult =
  { ok: true; event: ServerEvent } | { ok: false; reason: string; raw: string };

/**
 * Turns text frames into events and client frames into text. Replace it as a
 * whole for a server whose frames differ from the contract; `decode` must not
 * throw (the connection still guards against one that does).
 *
 * @example
 * ```ts
 * const codec: FrameCodec = {
 *   decode: (data) => defaultFrameCodec.decode(data),
 *   encode: (frame) => JSON.stringify(frame.type === 'ping' ? { action: 'ping' } : frame),
 * };
 * ```
 */
export interface FrameCodec {
  decode(data: string): DecodeResult;
  encode(frame: ClientFrame): string;
}

/**
 * How much of a rejected frame a {@link DecodeResult} keeps.
 *
 * @example
 * ```ts
 * const shown = raw.length > RAW_EXCERPT_LENGTH ? `${raw.slice(0, RAW_EXCERPT_LENGTH)}…` : raw;
 * ```
 */
export const RAW_EXCERPT_LENGTH = 200;

/** One field's rule, with the words a protocol-error reason uses for it. */
interface FieldCheck {
  test(value: unknown): boolean;
  expected: string;
  /** A closer reason for a value of the right type that is still refused. */
  refusal?(value: unknown): string | null;
}

const string: FieldCheck = { test: (value) => typeof value === 'string', expected: 'a string' };
/**
 * Ids become keys of the store's tables (and of normalizr's): a name of
 * `Object.prototype` such as `constructor` or `__proto__` cannot be one, and
 * no server makes such ids (the contract's are UUIDs).
 */
const id: FieldCheck = {
  test: (value) => typeof value === 'string' && !isReservedName(value),
  expected: 'a string',
  refusal: (value) =>
    isReservedName(value) ? `must not be "${value}", a name of Object.prototype` : null,
};
const number: FieldCheck = {
  test: (value) => typeof value === 'number' && Number.isFinite(value),
  expected: 'a number',
};
const boolean: FieldCheck = { test: (value) => typeof value === 'boolean', expected: 'a boolean' };
const stringOrNull: FieldCheck = {
  test: (value) => value === null || typeof value === 'string',
  expected: 'a string or null',
};
const idOrNull: FieldCheck = {
  test: (value) => value === null || id.test(value),
  expected: 'a string or null',
  refusal: id.refusal,
};
/**
 * A message's id, and a reply's reference to one: the store keeps them as
 * keys and values of several tables. The `in` (not {@link isReservedName}'s
 * set) is on purpose: it makes V8 internalize the string here, once, so the
 * tables, the message and the replies to it share one copy — without it the
 * memory bench measured about 15 B more per stored message. The other id
 * fields (conversation, client) take the cheaper check.
 */
const messageId: FieldCheck = {
  ...id,
  test: (value) => typeof value === 'string' && !(value in Object.prototype),
};
const messageIdOrNull: FieldCheck = {
  ...idOrNull,
  test: (value) => value === null || messageId.test(value),
};
const optional = (check: FieldCheck): FieldCheck => ({
  test: (value) => value === undefined || check.test(value),
  expected: `${check.expected} when present`,
  refusal: check.refusal,
});

/**
 * How deep a frame may nest (the frame object is level 1; a message's own
 * fields are level 3). The store freezes and copies what it keeps
 * recursively, so a frame nested thousands deep would overflow the stack
 * there; no frame of the contract comes near this.
 */
export const MAX_FRAME_DEPTH = 32;

/**
 * Whether `value` nests deeper than `limit` levels. Recursive, but it stops
 * as soon as it is `limit` levels down, so any depth is safe to ask about;
 * primitives are skipped without a visit (this runs on every frame of a burst).
 */
function nestedDeeperThan(value: unknown, limit: number, depth = 1): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > limit) return true;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && nestedDeeperThan(child, limit, depth + 1))
      return true;
  }
  return false;
}

/** The checked fields of one payload; fields not listed are allowed and kept. */
type ShapeSpec = Readonly<Record<string, FieldCheck>>;

/** A shape compiled once: its fields as a list, so checking a frame allocates nothing. */
interface Shape {
  readonly names: readonly string[];
  readonly checks: readonly FieldCheck[];
  /** Whether a value fits (what `mismatch` finds nothing wrong with), without wording why not. */
  readonly fits: (value: unknown) => boolean;
}

/** `fits`: a faster check of exactly the same rules, for a shape on a hot path; the table's by default. */
function compile(spec: ShapeSpec, fits?: (value: unknown) => boolean): Shape {
  const shape: Shape = {
    names: Object.keys(spec),
    checks: Object.values(spec),
    fits: fits ?? ((value) => mismatch(value, shape) === null),
  };
  return shape;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first reason `value` does not fit `shape`, or `null` when it fits. */
function mismatch(value: unknown, shape: Shape): string | null {
  if (!isRecord(value)) return 'is not an object';
  const { names, checks } = shape;
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as string;
    const check = checks[index] as FieldCheck;
    const field = value[name];
    if (check.test(field)) continue;
    return `"${name}" ${check.refusal?.(field) ?? `must be ${check.expected}`}`;
  }
  return null;
}

const messageFields = {
  id: messageId,
  conversation_id: id,
  sender_id: number,
  text: stringOrNull,
  reply_to: messageIdOrNull,
  is_edited: boolean,
  created_at: string,
  client_id: optional(idOrNull),
  updated_at: optional(stringOrNull),
} as const;

/**
 * The message shape's rules called field by field: it is checked on every
 * frame of a burst, where the table's loop (a call through a different
 * closure and a keyed load per field) cost as much as the frame's
 * `JSON.parse`. Each call site here sees one rule, so V8 inlines it.
 */
function fitsMessageShape(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const f = messageFields;
  return (
    f.id.test(value.id) &&
    f.conversation_id.test(value.conversation_id) &&
    f.sender_id.test(value.sender_id) &&
    f.text.test(value.text) &&
    f.reply_to.test(value.reply_to) &&
    f.is_edited.test(value.is_edited) &&
    f.created_at.test(value.created_at) &&
    f.client_id.test(value.client_id) &&
    f.updated_at.test(value.updated_at)
  );
}

const messageShape = compile(messageFields, fitsMessageShape);
const messageDeletedShape = compile({ id, conversation_id: id });
const participantShape = compile({ conversation_id: id, user_id: number });
const conversationDeletedShape = compile({ id });
const errorShape = compile({
  code: string,
  detail: string,
  client_id: optional(idOrNull),
  retry_after_ms: optional(number),
});
const conversationShape = compile({
  id,
  type: string,
  created_by: number,
  created_at: string,
  title: optional(stringOrNull),
});
const readShape = compile({
  conversation_id: id,
  user_id: number,
  last_read_message_id: idOrNull,
});
const typingShape = compile({ conversation_id: id, user_id: number });
const presenceShape = compile({
  user_id: number,
  online: boolean,
  last_seen_at: optional(stringOrNull),
});

/**
 * Whether `value` is a {@link Message}: the seed's fields with their types,
 * the [ext] `client_id` and `updated_at` when present; other fields are kept.
 *
 * @example
 * ```ts
 * if (isMessagePayload(frame.payload)) upsert(frame.payload);
 * ```
 */
export function isMessagePayload(value: unknown): value is Message {
  // A message inside a frame sits two levels down.
  return messageShape.fits(value) && !nestedDeeperThan(value, MAX_FRAME_DEPTH - 2);
}

/**
 * Whether `value` is the payload of `message:deleted`.
 *
 * @example
 * ```ts
 * isMessageDeletedPayload({ id: 'm1', conversation_id: 'c1' }); // true
 * ```
 */
export function isMessageDeletedPayload(value: unknown): value is MessageDeletedPayload {
  return mismatch(value, messageDeletedShape) === null;
}

/**
 * Whether `value` is the payload of `participant:added` or `participant:removed`.
 *
 * @example
 * ```ts
 * isParticipantPayload({ conversation_id: 'c1', user_id: 7 }); // true
 * ```
 */
export function isParticipantPayload(value: unknown): value is ParticipantPayload {
  return mismatch(value, participantShape) === null;
}

/**
 * Whether `value` is the payload of `conversation:deleted`.
 *
 * @example
 * ```ts
 * isConversationDeletedPayload({ id: 'c1' }); // true
 * ```
 */
export function isConversationDeletedPayload(value: unknown): value is ConversationDeletedPayload {
  return mismatch(value, conversationDeletedShape) === null;
}

/**
 * Whether `value` is the payload of an `error` frame.
 *
 * @example
 * ```ts
 * isErrorPayload({ code: 'forbidden', detail: 'Not a participant' }); // true
 * ```
 */
export function isErrorPayload(value: unknown): value is ErrorPayload {
  return mismatch(value, errorShape) === null;
}

/** The payload shape of each frame type; `pong` has none worth checking. */
const payloadShapes: Readonly<Record<Exclude<ServerEventType, 'pong'>, Shape>> = {
  'message:new': messageShape,
  'message:updated': messageShape,
  'message:deleted': messageDeletedShape,
  'participant:added': participantShape,
  'participant:removed': participantShape,
  'conversation:deleted': conversationDeletedShape,
  'conversation:created': conversationShape,
  'conversation:updated': conversationShape,
  'read:updated': readShape,
  typing: typingShape,
  presence: presenceShape,
  error: errorShape,
};

function isPayloadType(type: string): type is keyof typeof payloadShapes {
  return Object.prototype.hasOwnProperty.call(payloadShapes, type);
}

/** How much of the server's own text (an unknown type) a reason quotes: reasons stay short. */
const QUOTE_LENGTH = 40;

const quote = (text: string) =>
  text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH)}…` : text;

const PONG: ServerEvent = Object.freeze({ type: 'pong' });

/**
 * Checks an already parsed frame; the one place that knows which payload
 * belongs to which type. Returns the event, or the reason it is refused (a
 * string): no wrapper objects, as a burst decodes thousands.
 */
function toEvent(frame: unknown): ServerEvent | string {
  if (!isRecord(frame)) return 'frame is not a JSON object';
  if (nestedDeeperThan(frame, MAX_FRAME_DEPTH))
    return `frame is nested deeper than ${MAX_FRAME_DEPTH} levels`;
  const { type, payload } = frame;
  if (typeof type !== 'string') return 'frame has no string "type"';
  // `pong` carries nothing the heartbeat needs, so any payload (or none) will do.
  if (type === 'pong') return PONG;
  // A burst is all messages: their types are compared first, without a lookup by a string JSON.parse just made.
  const isMessage = type === 'message:new' || type === 'message:updated';
  if (!isMessage && !isPayloadType(type)) return `unknown frame type "${quote(type)}"`;
  const shape = isMessage ? messageShape : payloadShapes[type as keyof typeof payloadShapes];
  if (!shape.fits(payload))
    return `payload of "${type}" ${mismatch(payload, shape) ?? 'does not fit its shape'}`;
  // The shape check above is what makes this cast true. Only the two fields: a frame's other keys stay behind.
  return { type, payload } as ServerEvent;
}

/**
 * Whether `value` is a well-formed {@link ServerEvent} (a parsed frame).
 *
 * @example
 * ```ts
 * isServerEvent({ type: 'conversation:deleted', payload: { id: 'c1' } }); // true
 * isServerEvent({ type: 'typing', payload: {} }); // false (no conversation_id, no user_id)
 * ```
 */
export function isServerEvent(value: unknown): value is ServerEvent {
  return typeof toEvent(value) !== 'string';
}

function excerpt(data: string): string {
  return data.length > RAW_EXCERPT_LENGTH ? `${data.slice(0, RAW_EXCERPT_LENGTH)}…` : data;
}

/**
 * The contract's codec: frames are JSON `{"type", "payload"}` objects.
 * `decode` never throws: text that is not JSON, not an object, of an unknown
 * type or with a payload of the wrong shape comes back as `ok: false` with a
 * reason naming the first problem.
 *
 * @example
 * ```ts
 * defaultFrameCodec.decode('{"type":"pong"}'); // { ok: true, event: { type: 'pong' } }
 * defaultFrameCodec.decode('hello'); // { ok: false, reason: 'frame is not JSON', raw: 'hello' }
 * defaultFrameCodec.encode({ type: 'ping' }); // '{"type":"ping"}'
 * ```
 */
export const defaultFrameCodec: FrameCodec = {
  decode(data) {
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return { ok: false, reason: 'frame is not JSON', raw: excerpt(data) };
    }
    const event = toEvent(frame);
    return typeof event === 'string'
      ? { ok: false, reason: event, raw: excerpt(data) }
      : { ok: true, event };
  },
  encode(frame) {
    return JSON.stringify(frame);
  },
};
