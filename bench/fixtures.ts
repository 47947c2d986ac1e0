import type { Conversation, Message } from 'unet-chat-redux';

/**
 * Deterministic wire data shaped like the reference server's: UUID-like ids,
 * ISO timestamps with milliseconds and a zone, texts of varied length. The
 * sender process and every contestant build the same messages from the same
 * numbers, so "the same frames for all" holds by construction.
 */

const BASE_MS = Date.parse('2026-01-01T00:00:00.000Z');
/** Message `seq` of a conversation is `seq` seconds after the base time: newer seq, newer message. */
const SPACING_MS = 1000;

/** The user every bench client is (the minimal server accepts any token as this user). */
export const BENCH_USER_ID = 1;
export const BENCH_TOKEN = 'bench-token';

const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');

/** The id of conversation number `index`. */
export function conversationId(index: number): string {
  return `0190b000-0000-7000-8000-${hex(index, 12)}`;
}

/** The id of message `seq` of conversation `conversation`. */
export function messageId(conversation: number, seq: number): string {
  return `0190b000-${hex(conversation, 4)}-7000-9000-${hex(seq, 12)}`;
}

/** Small seeded generator, so every run builds the same data. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'hello',
  'the',
  'meeting',
  'moved',
  'to',
  'room',
  'tomorrow',
  'thanks',
  'see',
  'you',
  'at',
  'lecture',
  'schedule',
  'exam',
  'please',
  'check',
  'document',
  'ok',
  'sure',
  'later',
];

/** Text of a message: 3–20 words, or exactly `length` characters when given. */
function textOf(random: () => number, length?: number): string {
  const parts: string[] = [];
  if (length === undefined) {
    const words = 3 + Math.floor(random() * 18);
    for (let i = 0; i < words; i++)
      parts.push(WORDS[Math.floor(random() * WORDS.length)] as string);
    return parts.join(' ');
  }
  let text = '';
  while (text.length < length) text += `${WORDS[Math.floor(random() * WORDS.length)]} `;
  return text.slice(0, length);
}

/** How the texts of a conversation look: varied words (default) or a fixed length. */
export interface TextOptions {
  textLength?: number;
}

/** Message `seq` of conversation `conversation`. */
export function makeMessage(conversation: number, seq: number, options: TextOptions = {}): Message {
  const random = seeded(conversation * 1_000_003 + seq);
  return {
    id: messageId(conversation, seq),
    conversation_id: conversationId(conversation),
    sender_id: 1 + Math.floor(random() * 8),
    text: textOf(random, options.textLength),
    reply_to: seq > 10 && random() < 0.1 ? messageId(conversation, seq - 3) : null,
    is_edited: false,
    created_at: new Date(BASE_MS + seq * SPACING_MS).toISOString(),
  };
}

/** The edited copy of a message, as `message:updated` carries it. */
export function editedMessage(message: Message): Message {
  return {
    ...message,
    text: `${message.text ?? ''} (edited)`,
    is_edited: true,
    updated_at: new Date(Date.parse(message.created_at) + 500).toISOString(),
  };
}

/** Conversation number `index`, as `GET /conversations/{id}` answers. */
export function makeConversation(index: number): Conversation {
  return {
    id: conversationId(index),
    type: 'group',
    title: `Bench ${index}`,
    created_by: BENCH_USER_ID,
    created_at: new Date(BASE_MS).toISOString(),
    service: null,
    service_id: null,
    participant_ids: [BENCH_USER_ID, 2],
  };
}

/** A socket frame as the server writes it. */
export function encodeFrame(type: string, payload: unknown): string {
  return JSON.stringify({ type, payload });
}

/** `Authorization` header value of the bench user. */
export const authorization = (token: string) => `Bearer ${token}`;
