import { createEntityAdapter, createReducer } from '@reduxjs/toolkit';
import type { EntityState } from '@reduxjs/toolkit';
import { chatApi } from '../api/chatApi';
import type { Conversation, Message } from '../api/types';
import {
  conversationReceived,
  conversationRemoved,
  messageComposed,
  messagesReceived,
  messagesRemoved,
  participantAdded,
  participantRemoved,
} from './events';
import { normalizeConversations } from './normalize';
import { sortableTimestamp } from './time';

/** A conversation as the store keeps it: the server's fields (without the embedded preview) plus its latest activity. */
export interface ConversationEntity extends Omit<Conversation, 'last_message'> {
  /** Epoch ms of the latest known activity: newest message, else creation. */
  activity_ms: number;
}

/** The `chat.conversations` state. */
export interface ConversationsState extends EntityState<ConversationEntity, string> {
  /** [ext] The server's `last_message` of each conversation, for list previews. */
  previews: Record<string, Message>;
  /** The list has been loaded at least once. */
  loaded: boolean;
  /**
   * When each conversation was last learned of (epoch ms, from the answer or
   * event that brought it): a list asked for before that must not drop it.
   */
  learnedAt: Record<string, number>;
}

/** Newest activity first; ties by id so the order is total and stable. */
export const conversationsAdapter = createEntityAdapter<ConversationEntity>({
  sortComparer: (a, b) => b.activity_ms - a.activity_ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
});

const initialState: ConversationsState = conversationsAdapter.getInitialState({
  previews: {},
  loaded: false,
  learnedAt: {},
});

function receiveConversations(
  state: ConversationsState,
  conversations: readonly Conversation[],
  learnedAt: number,
  askedAt?: number,
): void {
  const replaceAll = askedAt !== undefined;
  const normalized = normalizeConversations(conversations);
  const entities: ConversationEntity[] = [];
  for (const id of normalized.ids) {
    const conversation = normalized.conversations[id];
    if (!conversation) continue;
    const { last_message: lastMessageId, ...fields } = conversation as Conversation & {
      last_message?: string | null;
    };
    const preview = lastMessageId ? normalized.messages[lastMessageId] : undefined;
    if (preview) state.previews[id] = preview;
    else if (lastMessageId === null) delete state.previews[id];
    entities.push({
      ...fields,
      activity_ms: Math.max(
        sortableTimestamp(conversation.created_at),
        preview ? sortableTimestamp(preview.created_at) : 0,
        state.entities[id]?.activity_ms ?? 0,
      ),
    });
  }
  for (const { id } of entities) state.learnedAt[id] = learnedAt;
  if (replaceAll) {
    // A conversation learned of after the list was asked for (created, or arrived by
    // the user stream meanwhile) is newer than the list: it stays.
    const listed = new Set(entities.map((entity) => entity.id));
    const newer = Object.values(state.entities).filter(
      (entity): entity is ConversationEntity =>
        entity !== undefined &&
        !listed.has(entity.id) &&
        (state.learnedAt[entity.id] ?? 0) > askedAt,
    );
    conversationsAdapter.setAll(state, [...entities, ...newer]);
    for (const id of Object.keys(state.learnedAt))
      if (!state.entities[id]) delete state.learnedAt[id];
    for (const id of Object.keys(state.previews)) {
      if (!state.entities[id]) delete state.previews[id];
    }
    state.loaded = true;
  } else {
    conversationsAdapter.upsertMany(state, entities);
  }
}

function bumpActivity(state: ConversationsState, conversationId: string, ms: number): void {
  const conversation = state.entities[conversationId];
  if (conversation && ms > conversation.activity_ms) {
    conversationsAdapter.updateOne(state, { id: conversationId, changes: { activity_ms: ms } });
  }
}

/** The `chat.conversations` reducer, fed by the API answers and by live events. */
export const conversationsReducer = createReducer(initialState, (builder) => {
  builder
    .addCase(messagesReceived, (state, { payload }) => {
      // An edit of the message a list shows as the last one shows there too.
      const preview = state.previews[payload.conversationId];
      const edited = preview ? payload.entities[preview.id] : undefined;
      if (preview && edited) state.previews[payload.conversationId] = edited;
      if (payload.updatesOnly) return;
      let newest = 0;
      for (const id of payload.ids) {
        const message = payload.entities[id];
        if (message) newest = Math.max(newest, sortableTimestamp(message.created_at));
      }
      bumpActivity(state, payload.conversationId, newest);
    })
    .addCase(messageComposed, (state, { payload }) =>
      bumpActivity(state, payload.conversationId, sortableTimestamp(payload.createdAt)),
    )
    .addCase(conversationReceived, (state, { payload }) =>
      receiveConversations(state, [payload.conversation], payload.receivedAt),
    )
    .addCase(messagesRemoved, (state, { payload }) => {
      const preview = state.previews[payload.conversationId];
      if (preview && payload.ids.includes(preview.id))
        delete state.previews[payload.conversationId];
    })
    .addCase(conversationRemoved, (state, { payload }) => {
      conversationsAdapter.removeOne(state, payload.id);
      delete state.previews[payload.id];
      delete state.learnedAt[payload.id];
    })
    .addCase(participantAdded, (state, { payload }) => {
      const ids = state.entities[payload.conversationId]?.participant_ids;
      if (ids && !ids.includes(payload.userId)) {
        ids.push(payload.userId);
        ids.sort((a, b) => a - b);
      }
    })
    .addCase(participantRemoved, (state, { payload }) => {
      const conversation = state.entities[payload.conversationId];
      if (conversation?.participant_ids) {
        conversation.participant_ids = conversation.participant_ids.filter(
          (id) => id !== payload.userId,
        );
      }
    })
    .addMatcher(chatApi.endpoints.getConversations.matchFulfilled, (state, { payload, meta }) =>
      receiveConversations(state, payload, meta.fulfilledTimeStamp, meta.startedTimeStamp),
    )
    .addMatcher(chatApi.endpoints.getConversation.matchFulfilled, (state, { payload, meta }) =>
      receiveConversations(state, [payload], meta.fulfilledTimeStamp),
    )
    .addMatcher(chatApi.endpoints.createConversation.matchFulfilled, (state, { payload, meta }) =>
      receiveConversations(state, [payload], meta.fulfilledTimeStamp),
    );
});
