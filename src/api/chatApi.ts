import { createApi } from './lateModules';
import type { BaseQueryApi } from '@reduxjs/toolkit/query';
import {
  conversationRemoved,
  historyLoadFailed,
  messageDeleteFailed,
  messageDeleteStarted,
  messageEditFailed,
  messageEditStarted,
  messagesReceived,
  messagesRemoved,
  participantAdded,
  participantRemoved,
  protocolErrorReported,
} from '../state/events';
import type { PageRequest } from '../state/events';
import type { ChatMessage } from '../state/model';
import { messageOfTimeline } from '../state/timelineModel';
import type { Timeline } from '../state/timelineModel';
import { describeChatError, describeRejection } from './errors';
import type { ChatQueryError } from './errors';
import { routes } from './routes';
import type { ChatRequest } from './routes';
import { resolveRuntime } from './runtime';
import { randomUuid } from '../state/uuid';
import type {
  ChatUser,
  Conversation,
  CreateConversationBody,
  Message,
  SendMessageBody,
} from './types';
import { checkMessageChanges, checkMessageList, excerptOf } from './validate';
import type { MessageChanges } from './validate';

/** Arguments of {@link chatApi}'s `getMessages`: a conversation id, or a page of it. */
export interface GetMessagesArgs {
  conversationId: string;
  /** [ext] The page just older than this message. */
  before?: string;
  /** [ext] The messages newer than this one. */
  after?: string;
  /** [ext] Page size; default the chat's `pageSize` (50). */
  limit?: number;
  /**
   * Set by the sync middleware for the pages it asks for: the socket epoch
   * and clock at the time of the request (see `PageRequest.epoch`). Failures
   * of these pages are reported by the middleware (`syncFailed`), not as
   * `historyLoadFailed`.
   */
  sync?: { epoch: number };
}

/** Arguments of `getMessageChanges` ([ext] "changes since"). */
export interface GetMessageChangesArgs {
  conversationId: string;
  /** The cursor of the last answer; null asks only for the current cursor. */
  since: string | null;
}

/** Arguments of `editMessage`. */
export interface EditMessageArgs {
  id: string;
  text: string;
}

/** Arguments of `addParticipant` / `removeParticipant`. */
export interface ParticipantArgs {
  conversationId: string;
  userId: number;
}

const toArgs = (arg: string | GetMessagesArgs): GetMessagesArgs =>
  typeof arg === 'string' ? { conversationId: arg } : arg;

function pageOf(args: GetMessagesArgs, limit: number): PageRequest {
  const epoch = args.sync ? { epoch: args.sync.epoch } : {};
  if (args.before) return { direction: 'older', cursor: args.before, limit };
  if (args.after) return { direction: 'newer', cursor: args.after, limit, ...epoch };
  return { direction: 'latest', cursor: null, limit, ...epoch };
}

type SessionState = { chat?: { session?: { generation?: number } } };

/** The session an async result belongs to: an answer for an ended session is dropped. */
const sessionOf = (getState: () => unknown): number | undefined =>
  (getState() as SessionState).chat?.session?.generation;

const ABORTED: { error: ChatQueryError } = {
  error: { status: 'CUSTOM_ERROR', error: 'The request was abandoned: the session ended' },
};

/** The base query resolves the store's own runtime, so one API slice serves many stores. */
const runtimeBaseQuery = (request: ChatRequest, api: BaseQueryApi, extraOptions: object) =>
  resolveRuntime(api.dispatch).baseQuery(request, api, extraOptions);

type ChatState = { chat: { messages: { conversations: Record<string, Timeline> } } };

/** The message as the store knows it, when the store has the chat reducer. */
function storedMessage(getState: () => unknown, id: string): ChatMessage | undefined {
  const state = getState() as Partial<ChatState>;
  for (const timeline of Object.values(state.chat?.messages.conversations ?? {})) {
    const message = messageOfTimeline(timeline, id);
    if (message) return message;
  }
  return undefined;
}

/**
 * The RTK Query API slice of the unet-chat REST API: the ten [seed]
 * endpoints (plus the [ext] user directory), each with its generated hook.
 * Answers that carry messages feed the normalized message store through
 * {@link messagesReceived}; edits and deletes are optimistic with rollback.
 *
 * @example
 * ```tsx
 * const { data: conversations, isLoading } = useGetConversationsQuery();
 * const [createConversation] = useCreateConversationMutation();
 * ```
 */
export const chatApi = createApi({
  reducerPath: 'chatApi',
  baseQuery: runtimeBaseQuery,
  tagTypes: ['Conversation', 'Messages', 'User'],
  endpoints: (build) => ({
    getConversations: build.query<Conversation[], void>({
      query: () => routes.listConversations(),
      providesTags: (result) => [
        { type: 'Conversation', id: 'LIST' },
        ...(result ?? []).map(({ id }) => ({ type: 'Conversation' as const, id })),
      ],
    }),

    getConversation: build.query<Conversation, string>({
      query: (conversationId) => routes.getConversation(conversationId),
      providesTags: (_result, _error, id) => [{ type: 'Conversation', id }],
    }),

    createConversation: build.mutation<Conversation, CreateConversationBody>({
      query: (body) => routes.createConversation(body),
      invalidatesTags: [{ type: 'Conversation', id: 'LIST' }],
    }),

    deleteConversation: build.mutation<void, string>({
      query: (conversationId) => routes.deleteConversation(conversationId),
      async onQueryStarted(conversationId, { dispatch, getState, queryFulfilled }) {
        const session = sessionOf(getState);
        try {
          await queryFulfilled;
        } catch {
          return;
        }
        if (sessionOf(getState) !== session) return;
        dispatch(conversationRemoved({ id: conversationId }));
        dispatch(
          chatApi.util.updateQueryData('getConversations', undefined, (draft) =>
            draft.filter((conversation) => conversation.id !== conversationId),
          ),
        );
      },
    }),

    getMessages: build.query<Message[], string | GetMessagesArgs>({
      // The answer enters the normalized store here, before the request's promise
      // resolves, so a caller that awaits it (load older, catch-up) sees the page.
      async queryFn(arg, api, extraOptions, baseQuery) {
        const args = toArgs(arg);
        const { conversationId } = args;
        const limit = args.limit ?? resolveRuntime(api.dispatch).options.pageSize;
        const session = sessionOf(api.getState);
        const result = await baseQuery(
          routes.listMessages(conversationId, { limit, before: args.before, after: args.after }),
        );
        if (api.signal.aborted || sessionOf(api.getState) !== session) return ABORTED;
        const checked = result.error
          ? { error: result.error as ChatQueryError }
          : checkMessageList(result.data);
        if ('error' in checked) {
          if (!args.sync) {
            api.dispatch(
              historyLoadFailed({ conversationId, error: describeChatError(checked.error) }),
            );
          }
          return checked;
        }
        for (const item of checked.rejected) {
          api.dispatch(
            protocolErrorReported({
              conversationId,
              reason: 'A message in a history answer has the wrong shape and was dropped',
              raw: excerptOf(item),
            }),
          );
        }
        api.dispatch(
          messagesReceived(conversationId, checked.data, {
            source: args.after ? 'catchUp' : 'history',
            page: pageOf(args, limit),
          }),
        );
        return { data: checked.data };
      },
      // The normalized store keeps the messages; the cache only needs to outlive a render.
      keepUnusedDataFor: 5,
      providesTags: (_result, _error, arg) => [
        { type: 'Messages', id: toArgs(arg).conversationId },
      ],
    }),

    getMessageChanges: build.query<MessageChanges, GetMessageChangesArgs>({
      async queryFn({ conversationId, since }, api, _extraOptions, baseQuery) {
        const session = sessionOf(api.getState);
        const result = await baseQuery(routes.listMessageChanges(conversationId, since));
        if (api.signal.aborted || sessionOf(api.getState) !== session) return ABORTED;
        if (result.error) return { error: result.error as ChatQueryError };
        const checked = checkMessageChanges(result.data);
        if ('error' in checked) return checked;
        for (const item of checked.rejected) {
          api.dispatch(
            protocolErrorReported({
              conversationId,
              reason: 'A message in a "changes since" answer has the wrong shape and was dropped',
              raw: excerptOf(item),
            }),
          );
        }
        return { data: checked.data };
      },
      keepUnusedDataFor: 0,
    }),

    sendMessage: build.mutation<Message, SendMessageBody>({
      // A client_id makes the send idempotent, so the base query may retry it safely.
      query: (body) => routes.sendMessage({ ...body, client_id: body.client_id ?? randomUuid() }),
      async onQueryStarted(body, { dispatch, getState, queryFulfilled }) {
        const session = sessionOf(getState);
        try {
          const { data } = await queryFulfilled;
          if (sessionOf(getState) !== session) return;
          dispatch(
            messagesReceived(data.conversation_id, [data], {
              source: 'send',
              confirms: body.client_id,
            }),
          );
        } catch {
          // The caller (the outbox, or the host's own code) reports the failure.
        }
      },
    }),

    editMessage: build.mutation<Message, EditMessageArgs>({
      query: ({ id, text }) => routes.editMessage(id, { text }),
      async onQueryStarted({ id, text }, { dispatch, getState, queryFulfilled }) {
        const session = sessionOf(getState);
        const previous = storedMessage(getState, id);
        if (previous) dispatch(messageEditStarted({ id, text: text.trim() }));
        try {
          const { data } = await queryFulfilled;
          if (sessionOf(getState) !== session) return;
          dispatch(
            messagesReceived(data.conversation_id, [data], { source: 'edit', updatesOnly: true }),
          );
        } catch (failure) {
          if (previous && sessionOf(getState) === session) {
            const error = describeRejection(failure);
            dispatch(messageEditFailed({ previous, error }));
          }
        }
      },
    }),

    deleteMessage: build.mutation<void, string>({
      query: (messageId) => routes.deleteMessage(messageId),
      async onQueryStarted(messageId, { dispatch, getState, queryFulfilled }) {
        const session = sessionOf(getState);
        const message = storedMessage(getState, messageId);
        if (message) dispatch(messageDeleteStarted({ id: messageId }));
        try {
          await queryFulfilled;
          if (sessionOf(getState) !== session) return;
          if (message) {
            dispatch(
              messagesRemoved({ conversationId: message.conversation_id, ids: [messageId] }),
            );
          }
        } catch (failure) {
          if (message && sessionOf(getState) === session) {
            const error = describeRejection(failure);
            dispatch(messageDeleteFailed({ message, error }));
          }
        }
      },
    }),

    addParticipant: build.mutation<unknown, ParticipantArgs>({
      query: ({ conversationId, userId }) => routes.addParticipant(conversationId, userId),
      invalidatesTags: (_result, error, { conversationId }) =>
        error ? [] : [{ type: 'Conversation', id: conversationId }],
      async onQueryStarted({ conversationId, userId }, { dispatch, getState, queryFulfilled }) {
        const session = sessionOf(getState);
        try {
          await queryFulfilled;
          if (sessionOf(getState) !== session) return;
          dispatch(participantAdded({ conversationId, userId }));
        } catch {
          // Reported through the rejected mutation (see the notices slice).
        }
      },
    }),

    removeParticipant: build.mutation<void, ParticipantArgs>({
      query: ({ conversationId, userId }) => routes.removeParticipant(conversationId, userId),
      invalidatesTags: (_result, error, { conversationId }) =>
        error ? [] : [{ type: 'Conversation', id: conversationId }],
      async onQueryStarted({ conversationId, userId }, { dispatch, getState, queryFulfilled }) {
        const session = sessionOf(getState);
        try {
          await queryFulfilled;
          if (sessionOf(getState) !== session) return;
          dispatch(participantRemoved({ conversationId, userId }));
          if (userId === resolveRuntime(dispatch).getCurrentUserId()) {
            dispatch(conversationRemoved({ id: conversationId }));
          }
        } catch {
          // Reported through the rejected mutation (see the notices slice).
        }
      },
    }),

    getExtensions: build.query<string[] | null, void>({
      // A seed server has no such route: that answer (404, or anything not a list)
      // means "not said", and each extension is then found out on its own.
      async queryFn(_arg, _api, _extraOptions, baseQuery) {
        const result = await baseQuery(routes.listExtensions());
        const data = result.data as { extensions?: unknown } | undefined;
        if (result.error || !data || !Array.isArray(data.extensions)) return { data: null };
        return { data: data.extensions.filter((item): item is string => typeof item === 'string') };
      },
    }),

    markRead: build.mutation<
      { conversation_id: string; user_id: number; last_read_message_id: string | null },
      { conversationId: string; messageId: string }
    >({
      query: ({ conversationId, messageId }) => routes.markRead(conversationId, messageId),
    }),

    getPresence: build.query<
      Array<{ user_id: number; online: boolean; last_seen_at: string | null }>,
      void
    >({
      query: () => routes.listPresence(),
    }),

    getUsers: build.query<ChatUser[], void>({
      query: () => routes.listUsers(),
      providesTags: ['User'],
    }),
  }),
});
