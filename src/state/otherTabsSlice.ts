import { createAction, createReducer, createSelector } from '@reduxjs/toolkit';
import { conversationRemoved, messagesReceived, outboxRestored } from './events';
import type { StoredPendingMessage } from './events';
import type { Message } from '../api/types';
import type { ChatMessage } from './model';
import type { ChatRootState } from './selectors';
import { messageOfStored } from './storedMessage';
import { sortableTimestamp } from './time';

/** An unsent message of another tab of the same user, as that tab stored it. */
export interface OtherTabMessage extends StoredPendingMessage {
  /** The tab that owns it (sends it, or shows it as failed). */
  tab: string;
}

/**
 * The `chat.otherTabs` state: the unsent messages (pending or failed) that
 * the user's other tabs hold, by conversation, in the order they were
 * composed. This tab never sends them; they are shown, as sending, until the
 * server's copy arrives or their tab gives them up.
 */
export interface OtherTabsState {
  pending: Record<string, OtherTabMessage[]>;
}

/**
 * The unsent messages the user's other tabs hold now (the durable outbox's
 * record, which every tab writes), replacing what was known: a message one
 * of them sent or discarded is no longer in it. Dispatched by the middleware.
 *
 * @example
 * ```ts
 * dispatch(otherTabsOutboxSynced({ messages: [{ ...stored, tab: 'b7…' }] }));
 * ```
 */
export const otherTabsOutboxSynced = createAction<{ messages: OtherTabMessage[] }>(
  'chat/otherTabsOutboxSynced',
);

const sameMessages = (a: readonly OtherTabMessage[] | undefined, b: readonly OtherTabMessage[]) =>
  JSON.stringify(a ?? []) === JSON.stringify(b);

/** The `chat.otherTabs` reducer. */
export const otherTabsReducer = createReducer<OtherTabsState>({ pending: {} }, (builder) => {
  builder
    .addCase(otherTabsOutboxSynced, (state, { payload }) => {
      const byConversation = new Map<string, OtherTabMessage[]>();
      for (const message of payload.messages) {
        const list = byConversation.get(message.conversationId) ?? [];
        list.push(message);
        byConversation.set(message.conversationId, list);
      }
      for (const conversationId of Object.keys(state.pending))
        if (!byConversation.has(conversationId)) delete state.pending[conversationId];
      // Unchanged conversations keep their arrays, so their selectors do not recompute.
      for (const [conversationId, list] of byConversation)
        if (!sameMessages(state.pending[conversationId], list))
          state.pending[conversationId] = list;
    })
    .addCase(messagesReceived, (state, { payload }) => {
      // The server's copy is here: it shows, the other tab's unsent one goes (exactly once).
      const list = state.pending[payload.conversationId];
      if (!list) return;
      const arrived = payload.ids
        .map((id) => payload.entities[id])
        .filter((message): message is Message => message !== undefined);
      // A page of history may hold an older message with the same text: only new ones
      // confirm by their content (a server that echoes no client_id).
      const live = payload.source !== 'history' && payload.source !== 'changes';
      const left = unconfirmed(list, arrived, live, payload.confirms);
      if (left.length === list.length) return;
      if (left.length === 0) delete state.pending[payload.conversationId];
      else state.pending[payload.conversationId] = left;
    })
    .addCase(outboxRestored, (state, { payload }) => {
      // Adopted (their tab closed): this tab's own outbox has them now.
      const adopted = new Set(payload.messages.map((message) => message.clientId));
      for (const [conversationId, list] of Object.entries(state.pending)) {
        const left = list.filter((message) => !adopted.has(message.clientId));
        if (left.length === list.length) continue;
        if (left.length === 0) delete state.pending[conversationId];
        else state.pending[conversationId] = left;
      }
    })
    .addCase(conversationRemoved, (state, { payload }) => {
      delete state.pending[payload.id];
    });
});

/**
 * Whether `message` (from the server) is the copy of `stored`: the same
 * `client_id`, or — from a server that echoes none (the seed) — the same
 * sender, text and reply, created after the other tab sent it (when known,
 * else any new arrival counts: `byContent`).
 */
function confirms(
  message: Pick<Message, 'sender_id' | 'text' | 'reply_to' | 'created_at'> & {
    client_id?: string | null;
  },
  stored: OtherTabMessage,
  byContent: boolean,
): boolean {
  if (message.client_id) return message.client_id === stored.clientId;
  if (
    message.sender_id !== stored.senderId ||
    (message.text ?? '') !== stored.text ||
    message.reply_to !== stored.replyTo
  )
    return false;
  if (typeof stored.sentAfterMs === 'number')
    return sortableTimestamp(message.created_at) >= stored.sentAfterMs;
  return byContent;
}

/** `list` without the entries `arrived` confirms, each message confirming at most one. */
function unconfirmed<Entry extends OtherTabMessage>(
  list: readonly Entry[],
  arrived: ReadonlyArray<Parameters<typeof confirms>[0] & { id: string }>,
  byContent: boolean,
  confirmsKey?: string,
): Entry[] {
  const used = new Set<string>();
  return list.filter((stored) => {
    if (stored.clientId === confirmsKey) return false;
    const copy = arrived.find(
      (message) => !used.has(message.id) && confirms(message, stored, byContent),
    );
    if (!copy) return true;
    used.add(copy.id);
    return false;
  });
}

const noOtherTabMessages: readonly OtherTabMessage[] = [];

// One message per entry: an unchanged entry (the reducer keeps it) gives the same object,
// so a selector that returns one keeps its reference.
const messagesOfEntries = new WeakMap<OtherTabMessage, ChatMessage>();

/** An entry of another tab as a message of the list, marked as held there. */
function messageOfOtherTab(stored: OtherTabMessage): ChatMessage {
  let message = messagesOfEntries.get(stored);
  if (!message) {
    message = { ...messageOfStored(stored), elsewhere: true };
    messagesOfEntries.set(stored, message);
  }
  return message;
}

/** The unsent messages other tabs of the user hold in a conversation, as stored (stable reference). */
export const selectOtherTabsOutbox = (
  state: ChatRootState,
  conversationId: string,
): readonly OtherTabMessage[] => state.chat.otherTabs.pending[conversationId] ?? noOtherTabMessages;

/**
 * The other tabs' entries still unsent as far as this tab knows, as messages
 * in compose order: not held here (`held`: ours, adopted, by `client_id`) and
 * not confirmed by one of `confirmed` (the server's copy). What the list and
 * the preview both show.
 */
function unsentElsewhere(
  otherTabs: readonly OtherTabMessage[],
  held: (clientId: string) => boolean,
  confirmed: readonly Message[],
): ChatMessage[] {
  const candidates = otherTabs.filter((stored) => !held(stored.clientId));
  return unconfirmed(candidates, confirmed, false).map(messageOfOtherTab);
}

/**
 * `messages` (one conversation's, in display order) followed by the unsent
 * messages other tabs hold there, in compose order — except any the list
 * already has (ours, adopted, or confirmed: the server's copy carries the
 * `client_id`). The same array comes back when there are none to add.
 */
export function withOtherTabsMessages(
  messages: ChatMessage[],
  otherTabs: readonly OtherTabMessage[] | undefined,
): ChatMessage[] {
  if (!otherTabs || otherTabs.length === 0) return messages;
  const known = new Set<string>();
  for (const message of messages) known.add(message.id);
  const confirmed = messages.filter((message) => message.status === 'sent');
  const added = unsentElsewhere(otherTabs, (clientId) => known.has(clientId), confirmed);
  return added.length === 0 ? messages : [...messages, ...added];
}

/**
 * The last of `otherTabs` (one conversation's entries) still unsent as far as
 * this tab knows, decided as `withOtherTabsMessages` decides it for the list.
 */
export function lastUnconfirmedOtherTabMessage(
  otherTabs: readonly OtherTabMessage[],
  held: (clientId: string) => boolean,
  confirmed: readonly Message[],
): ChatMessage | undefined {
  return unsentElsewhere(otherTabs, held, confirmed).at(-1);
}

/**
 * The unsent messages (pending or failed) that other tabs of the user hold in
 * a conversation, as `ChatMessage`s (`id` is the `client_id`). They are part
 * of `selectMessagesOfConversation` already; this is for code that wants to
 * tell them apart (a "sending from another tab" note, say).
 *
 * @example
 * ```ts
 * const elsewhere = useSelector((state) => selectOtherTabsMessages(state, conversationId));
 * ```
 */
export const selectOtherTabsMessages = createSelector(
  [selectOtherTabsOutbox],
  (stored): ChatMessage[] => stored.map(messageOfOtherTab),
);
