import { createEntityAdapter } from '@reduxjs/toolkit';
import type { EntityState, Middleware } from '@reduxjs/toolkit';
import type { Message } from 'unet-chat-redux';
import { Listeners } from './types';
import type { DoneCheck } from './types';

/** Pieces the Redux contestants share. */

/** A socket frame as the contestants decode it. */
export type WireFrame =
  | { type: 'message:new' | 'message:updated'; payload: Message }
  | { type: 'message:deleted'; payload: { id: string; conversation_id: string } }
  | { type: string; payload: unknown };

/**
 * After every dispatch, whoever dispatched it: the bench's "state changed"
 * signal, the same for every store (store.subscribe would be late for
 * actions RTK batches, e.g. RTK Query's cache patches). Put it first, so it
 * wraps everything else.
 */
export function changeNotifier(): { middleware: Middleware; listeners: Listeners } {
  const listeners = new Listeners();
  const middleware: Middleware = () => (next) => (action) => {
    const result = next(action);
    listeners.notify();
    return result;
  };
  return { middleware, listeners };
}

/** The obvious entity adapter for messages: sorted by `created_at` (ISO strings sort as times). */
export const sortedMessages = createEntityAdapter<Message>({
  sortComparer: (a, b) => a.created_at.localeCompare(b.created_at),
});

export type MessageTable = EntityState<Message, string>;

/** `isDone` for a state with one entity table of every message. */
export function tableIsDone(table: MessageTable, check: DoneCheck): boolean {
  const message = table.entities[check.id];
  if (check.kind === 'deleted') return message === undefined;
  if (!message) return false;
  return check.kind === 'new' || message.text === check.text;
}

/** Messages of one conversation in a table of every message (O(n)). */
export function tableCount(table: MessageTable, conversationId: string): number {
  let count = 0;
  for (const id of table.ids) if (table.entities[id]?.conversation_id === conversationId) count++;
  return count;
}
