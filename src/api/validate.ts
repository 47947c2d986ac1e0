import {
  RAW_EXCERPT_LENGTH,
  isMessageDeletedPayload,
  isMessagePayload,
  isServerEvent,
} from '../socket/codec';
import type { ChatQueryError } from './errors';
import type { ChatRequest } from './routes';
import type { ChatUser, Message } from './types';

/**
 * Run-time checks of REST answers: an answer is `unknown` until a check here
 * says otherwise, as a socket frame is until the codec's guards do (the
 * checks reuse them). An answer of the wrong shape becomes a query error with
 * a sentence naming the first problem — never a crash in a reducer further on.
 */

/** The error of an answer of the wrong shape: `what` names the answer, `problem` the first fault. */
export function wrongShape(what: string, problem: string): { error: ChatQueryError } {
  return {
    error: {
      status: 'CUSTOM_ERROR',
      error: `The server answered ${what} with something of the wrong shape: ${problem}`,
    },
  };
}

/**
 * The start of a value as JSON, at most `limit` characters (then `…`), for
 * reports of rejected items. Iterative and bounded, unlike `JSON.stringify`,
 * which throws for a value nested thousands deep and copies a huge one whole.
 */
export function excerptOf(value: unknown, limit: number = RAW_EXCERPT_LENGTH): string {
  type Token = { text: string } | { value: unknown };
  const stack: Token[] = [{ value }];
  let out = '';
  while (stack.length > 0 && out.length <= limit) {
    const token = stack.pop() as Token;
    if ('text' in token) {
      out += token.text;
      continue;
    }
    const item = token.value;
    if (typeof item !== 'object' || item === null) {
      out += (typeof item === 'bigint' ? String(item) : JSON.stringify(item)) ?? 'null';
      continue;
    }
    const array = Array.isArray(item);
    // Keys one at a time, no more than the excerpt can show (each takes a character at least).
    const keys = array ? null : Object.keys(item);
    const count = keys ? keys.length : (item as unknown[]).length;
    const parts: Token[] = [{ text: array ? '[' : '{' }];
    for (let index = 0; index < count && parts.length <= limit; index++) {
      if (index > 0) parts.push({ text: ',' });
      const key = keys ? keys[index] : undefined;
      if (key !== undefined) parts.push({ text: `${JSON.stringify(key)}:` });
      parts.push({
        value:
          key !== undefined ? (item as Record<string, unknown>)[key] : (item as unknown[])[index],
      });
    }
    parts.push({ text: array ? ']' : '}' });
    stack.push(...parts.reverse());
  }
  return out.length > limit ? `${out.slice(0, limit)}…` : out;
}

/** A message list checked at run time, plus what had to be dropped from it. */
export type CheckedMessages = { data: Message[]; rejected: unknown[] } | { error: ChatQueryError };

/**
 * Checks that a history answer is a list of messages. A list with a few
 * malformed items keeps the good ones and names the rest (the caller reports
 * them); anything that is not a list is an error, never a crash further on.
 */
export function checkMessageList(data: unknown): CheckedMessages {
  if (!Array.isArray(data)) return wrongShape('a message list', 'it is not a list');
  const messages: Message[] = [];
  const rejected: unknown[] = [];
  for (const item of data as unknown[]) {
    if (isMessagePayload(item)) messages.push(item);
    else rejected.push(item);
  }
  return { data: messages, rejected };
}

/** [ext] The answer of `GET /messages/{conversation_id}/changes/`. */
export interface MessageChanges {
  cursor: string;
  messages: Message[];
  deleted: Array<{ id: string; conversation_id: string }>;
  has_more: boolean;
}

/** Checks a "changes since" answer; anything else is an error, never a crash further on. */
export function checkMessageChanges(
  data: unknown,
): { data: MessageChanges; rejected: unknown[] } | { error: ChatQueryError } {
  const record = data as Partial<Record<keyof MessageChanges, unknown>> | null;
  if (
    !record ||
    typeof record !== 'object' ||
    typeof record.cursor !== 'string' ||
    !Array.isArray(record.messages) ||
    !Array.isArray(record.deleted)
  ) {
    return wrongShape(
      '"changes since"',
      'it is not an object with a string "cursor" and lists "messages" and "deleted"',
    );
  }
  const checked = checkMessageList(record.messages);
  if ('error' in checked) return checked;
  // A malformed deletion is dropped like a malformed message: named, for the caller to report.
  const deleted: MessageChanges['deleted'] = [];
  const rejected = [...checked.rejected];
  for (const item of record.deleted as unknown[]) {
    if (isMessageDeletedPayload(item)) deleted.push(item);
    else rejected.push(item);
  }
  return {
    data: {
      cursor: record.cursor,
      messages: checked.data,
      deleted,
      has_more: record.has_more === true,
    },
    rejected,
  };
}

// ─── Answers checked by the base query ───────────────────────────────────────

/** What the answer of a request must be; the base query checks it (see {@link checkAnswer}). */
export type AnswerShape =
  'conversation' | 'conversations' | 'message' | 'users' | 'presence' | 'read';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

const isStringOrNull = (value: unknown) => value === null || typeof value === 'string';

const isReadCursor = (item: unknown) =>
  isRecord(item) && isNumber(item.user_id) && isStringOrNull(item.last_read_message_id);

/**
 * What is wrong with a conversation (a phrase after "it" or "item 3"), or
 * null. The seed's fields are the codec's own check of a
 * `conversation:created` payload (which also refuses nesting deeper than a
 * frame may have); the [ext] fields, when present, are those the reducers read.
 */
function conversationProblem(value: unknown): string | null {
  if (!isServerEvent({ type: 'conversation:created', payload: value }))
    return 'is not a conversation (a string "id", "type" and "created_at", a number "created_by")';
  const conversation = value as Record<string, unknown>;
  const { participant_ids: participants, last_message: last, read_cursors: cursors } = conversation;
  if (participants !== undefined && !(Array.isArray(participants) && participants.every(isNumber)))
    return 'has "participant_ids" that are not a list of numbers';
  if (last != null && !isMessagePayload(last)) return 'has a "last_message" that is not a message';
  if (
    conversation.last_read_message_id !== undefined &&
    !isStringOrNull(conversation.last_read_message_id)
  )
    return 'has a "last_read_message_id" that is neither a string nor null';
  if (conversation.unread_count !== undefined && !isNumber(conversation.unread_count))
    return 'has an "unread_count" that is not a number';
  if (cursors !== undefined && !(Array.isArray(cursors) && cursors.every(isReadCursor)))
    return 'has "read_cursors" that are not a list of {user_id, last_read_message_id}';
  return null;
}

/** What is wrong with a user of the directory, or null. */
function userProblem(value: unknown): string | null {
  if (
    !isRecord(value) ||
    !isNumber(value.id) ||
    typeof value.username !== 'string' ||
    typeof value.full_name !== 'string'
  )
    return 'is not a user (a number "id", a string "username" and "full_name")';
  return null;
}

/** What is wrong with a send's or an edit's answer, or null: it must be the message asked for. */
function messageProblem(data: unknown, request: ChatRequest): string | null {
  if (!isMessagePayload(data))
    return 'is not a message (a string "id", "conversation_id" and "created_at", a number "sender_id", …)';
  const body = request.body as { conversation_id?: unknown } | undefined;
  if (request.method === 'POST' && body?.conversation_id !== data.conversation_id)
    return 'is a message of another conversation than the one sent to';
  if (request.method === 'PUT' && request.url !== `/messages/${encodeURIComponent(data.id)}`)
    return 'is another message than the one edited';
  return null;
}

/** What is wrong with an [ext] presence entry, or null: the codec's check of a `presence` payload. */
const presenceProblem = (value: unknown): string | null =>
  isServerEvent({ type: 'presence', payload: value })
    ? null
    : 'is not a presence entry (a number "user_id", a boolean "online")';

/** What is wrong with an [ext] read cursor, or null: the codec's check of a `read:updated` payload. */
const readProblem = (value: unknown): string | null =>
  isServerEvent({ type: 'read:updated', payload: value })
    ? null
    : 'is not a read cursor (a string "conversation_id", a number "user_id", a string or null "last_read_message_id")';

/** The first item of a list that is wrong, and what is wrong with it. */
function listProblem(data: unknown, problemOf: (item: unknown) => string | null): string | null {
  if (!Array.isArray(data)) return 'it is not a list';
  for (const [index, item] of (data as unknown[]).entries()) {
    const problem = problemOf(item);
    if (problem !== null) return `item ${index + 1} ${problem}`;
  }
  return null;
}

/** The problem of a single answer, as a sentence about "it". */
const single =
  (problemOf: (data: unknown, request: ChatRequest) => string | null) =>
  (data: unknown, request: ChatRequest): string | null => {
    const problem = problemOf(data, request);
    return problem && `it ${problem}`;
  };

/** The problem of a list answer: that it is none, or its first wrong item. */
const list =
  (problemOf: (item: unknown) => string | null) =>
  (data: unknown): string | null =>
    listProblem(data, problemOf);

const checks: Record<
  AnswerShape,
  { what: string; problem(data: unknown, request: ChatRequest): string | null }
> = {
  conversation: { what: 'a conversation', problem: single(conversationProblem) },
  conversations: { what: 'the conversation list', problem: list(conversationProblem) },
  message: { what: 'a message', problem: single(messageProblem) },
  users: { what: 'the user directory', problem: list(userProblem) },
  presence: { what: 'the presence list', problem: list(presenceProblem) },
  read: { what: 'a read cursor', problem: single(readProblem) },
};

/**
 * Checks the answer of a request that says what it `expects` (see
 * {@link ChatRequest}): the data as it came, or an error naming the first
 * problem. The directory's users keep only their own three fields: nothing
 * else of them is read.
 */
export function checkAnswer(
  request: ChatRequest,
  data: unknown,
): { data: unknown } | { error: ChatQueryError } {
  const { expects } = request;
  if (!expects) return { data };
  const check = checks[expects];
  const problem = check.problem(data, request);
  if (problem !== null) return wrongShape(check.what, problem);
  if (expects !== 'users') return { data };
  return {
    data: (data as ChatUser[]).map(({ id, username, full_name }) => ({ id, username, full_name })),
  };
}
