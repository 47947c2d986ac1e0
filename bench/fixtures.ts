import { chatReducer, messagesReceived } from '../src/index';
import type { ChatState, Message, PageRequest } from '../src/index';

/**
 * Deterministic wire messages, shaped like the reference server's: UUID-like
 * ids, ISO timestamps with a zone, texts of varied length, some replies.
 */

const BASE_MS = Date.parse('2026-01-01T00:00:00.000Z');
/** Existing messages are this far apart, so a catch-up page can fall between them. */
export const SPACING_MS = 10_000;

const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');

/** The id of conversation number `index`. */
export function conversationId(index: number): string {
  return `0190b000-0000-7000-8000-${hex(index, 12)}`;
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

function textOf(random: () => number): string {
  const words = 3 + Math.floor(random() * 18);
  const parts: string[] = [];
  for (let i = 0; i < words; i++) parts.push(WORDS[Math.floor(random() * WORDS.length)] as string);
  return parts.join(' ');
}

/**
 * Message `seq` of conversation `conversation`, created at slot `slot`
 * (slot × {@link SPACING_MS} after the base time, plus `offsetMs`). Negative
 * slots are older than slot 0.
 */
export function makeMessage(
  conversation: number,
  seq: number,
  slot: number,
  offsetMs = 0,
): Message {
  const random = seeded(conversation * 1_000_003 + seq);
  const replyTo =
    seq > 10 && random() < 0.1
      ? `0190b000-${hex(conversation, 4)}-7000-9000-${hex(seq - 3 + 1_000_000, 12)}`
      : null;
  return {
    id: `0190b000-${hex(conversation, 4)}-7000-9000-${hex(seq + 1_000_000, 12)}`,
    conversation_id: conversationId(conversation),
    sender_id: 1 + Math.floor(random() * 8),
    text: textOf(random),
    reply_to: replyTo,
    is_edited: false,
    created_at: new Date(BASE_MS + slot * SPACING_MS + offsetMs).toISOString(),
  };
}

/** Messages in slots `from`..`to - 1` of a conversation, each numbered by its slot. */
export function messageRange(conversation: number, from: number, to: number): Message[] {
  const list: Message[] = [];
  for (let slot = from; slot < to; slot++) list.push(makeMessage(conversation, slot, slot));
  return list;
}

export const PAGE = 50;
export const latestPage: PageRequest = { direction: 'latest', cursor: null, limit: PAGE };

export const emptyChatState = (): ChatState => chatReducer(undefined, { type: '@@bench/init' });

/**
 * A chat state in which conversation `conversation` holds `n` messages
 * (slots 0..n-1), loaded as one complete history answer, caught up.
 */
export function chatStateWith(
  n: number,
  conversation = 0,
  state: ChatState = emptyChatState(),
): ChatState {
  return chatReducer(
    state,
    messagesReceived(conversationId(conversation), messageRange(conversation, 0, n), {
      source: 'history',
      page: latestPage,
    }),
  );
}
