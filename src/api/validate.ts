import { isMessagePayload } from '../socket/codec';
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
