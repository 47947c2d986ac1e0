import type { RawData } from 'ws';
import type { ChatService } from '../chat';
import { HttpError, rateLimitedDetail } from '../errors';
import { takeAll } from '../rateLimit';
import type { TokenBucket } from '../rateLimit';
import { parseMessageDraft, parseStreamSend, parseTypingPayload } from '../validation';
import type { Connection } from './connection';

/** What handling a client frame needs. */
export interface InboundContext {
  chat: ChatService;
  maxFrameBytes: number;
  /** The `message:send` bucket shared by all sockets of this socket's user (null: unlimited). */
  userSendBucket(): TokenBucket | null;
  onInternalError(error: unknown): void;
}

// A socket refused for its rate stops being read for a while (see Connection.holdReading).
const MIN_HOLD_MS = 100;
const MAX_HOLD_MS = 1000;

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data.byteLength;
}

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

function reject(
  connection: Connection,
  code: string,
  detail: string,
  clientId?: unknown,
  extra: { retry_after_ms?: number } = {},
): void {
  connection.send({
    type: 'error',
    payload: {
      code,
      detail,
      ...(typeof clientId === 'string' ? { client_id: clientId } : {}),
      ...extra,
    },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuseError(
  context: InboundContext,
  connection: Connection,
  error: unknown,
  failure: string,
  clientId?: unknown,
): void {
  if (error instanceof HttpError) {
    reject(connection, error.code, error.detail, clientId);
    return;
  }
  context.onInternalError(error);
  reject(connection, 'internal_error', failure, clientId);
}

/**
 * Same rules and idempotency as POST /messages/; the socket's user is implied, and
 * its conversation too, but for a user stream, whose payload names it.
 */
function sendMessage(context: InboundContext, connection: Connection, payload: unknown): void {
  const clientId = isRecord(payload) ? payload.client_id : undefined;
  const buckets = [connection.sendBucket, context.userSendBucket()].filter(
    (bucket): bucket is TokenBucket => bucket !== null,
  );
  const verdict = takeAll(buckets);
  if (!verdict.ok) {
    // Refused, never dropped: the client waits retry_after_ms and sends again, in order.
    const retryAfterMs = Math.max(1, Math.ceil(verdict.retryAfterMs));
    reject(connection, 'rate_limited', rateLimitedDetail('messages', retryAfterMs), clientId, {
      retry_after_ms: retryAfterMs,
    });
    connection.holdReading(Math.min(MAX_HOLD_MS, Math.max(MIN_HOLD_MS, retryAfterMs)));
    return;
  }
  if (!isRecord(payload)) {
    reject(connection, 'validation_error', 'payload: must be an object with text.');
    return;
  }
  try {
    const { chat } = context;
    let conversationId = connection.conversationId;
    let draft;
    if (conversationId === null) {
      ({ conversation_id: conversationId, ...draft } = parseStreamSend(payload));
    } else {
      draft = parseMessageDraft(payload, 'payload', { clientId: chat.extensions });
    }
    const { message, created } = chat.sendMessage(connection.userId, conversationId, draft);
    // A new message reaches this socket through the fan-out; a retried one only here.
    if (!created) connection.send({ type: 'message:new', payload: message });
  } catch (error) {
    refuseError(context, connection, error, 'The message could not be stored.', clientId);
  }
}

/**
 * [ext] Relayed to the other participants at most once per interval; the extra
 * ones are dropped without an answer. A conversation socket implies its
 * conversation; a user stream's payload names it.
 */
function typing(context: InboundContext, connection: Connection, payload: unknown): void {
  try {
    const conversationId =
      connection.conversationId ??
      parseTypingPayload(isRecord(payload) ? payload : {}).conversation_id;
    context.chat.typing(connection.userId, conversationId);
  } catch (error) {
    refuseError(context, connection, error, 'The typing could not be relayed.');
  }
}

/**
 * Handles one client frame. Every invalid frame is answered with an `error`
 * frame and the socket stays open.
 */
export function handleClientFrame(
  context: InboundContext,
  connection: Connection,
  data: RawData,
  isBinary: boolean,
): void {
  if (byteLength(data) > context.maxFrameBytes) {
    reject(connection, 'frame_too_large', `Frames are limited to ${context.maxFrameBytes} bytes.`);
    return;
  }
  if (isBinary) {
    reject(connection, 'invalid_frame', 'Binary frames are not supported; send JSON text.');
    return;
  }
  let frame: unknown;
  try {
    frame = JSON.parse(toText(data));
  } catch {
    reject(connection, 'invalid_json', 'Frame is not valid JSON.');
    return;
  }
  if (!isRecord(frame) || typeof frame.type !== 'string') {
    reject(connection, 'invalid_frame', 'A frame must be a JSON object with a string "type".');
    return;
  }
  switch (frame.type) {
    case 'ping':
      connection.send({ type: 'pong', payload: {} });
      return;
    case 'message:send':
      sendMessage(context, connection, frame.payload);
      return;
    case 'typing':
      // The seed knows no typing: in seed-only mode it is an unknown type like any other.
      if (context.chat.extensions) {
        typing(context, connection, frame.payload);
        return;
      }
      break;
    default:
      break;
  }
  reject(connection, 'unknown_type', `Unknown frame type "${frame.type.slice(0, 50)}".`);
}
