import { isMessageDeletedPayload, isMessagePayload } from '../socket/codec';
import type { ChatQueryError } from './errors';
import type { Message } from './types';

/** A message list checked at run time, plus what had to be dropped from it. */
export type CheckedMessages = { data: Message[]; rejected: unknown[] } | { error: ChatQueryError };

/**
 * Checks that a history answer is a list of messages. A list with a few
 * malformed items keeps the good ones and names the rest (the caller reports
 * them); anything that is not a list is an error, never a crash further on.
 */
export function checkMessageList(data: unknown): CheckedMessages {
  if (!Array.isArray(data)) {
    return {
      error: {
        status: 'CUSTOM_ERROR',
        error: 'The server answered with something that is not a message list',
        data,
      },
    };
  }
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
    return {
      error: {
        status: 'CUSTOM_ERROR',
        error: 'The server answered "changes since" with something of the wrong shape',
        data,
      },
    };
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
