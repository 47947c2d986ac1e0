import { reactHooksModule } from '@reduxjs/toolkit/query/react';
import type { reactHooksModuleName } from '@reduxjs/toolkit/query/react';
import type { Api, CoreModule } from '@reduxjs/toolkit/query';
import { attachChatApiModule, chatApi, searchApi } from 'unet-chat-redux';

// The core creates `chatApi` without React; here the same slice gets RTK Query's
// own React hooks (see src/api/lateModules.ts): one API slice, one cache.
attachChatApiModule(reactHooksModule());

type ReactHooksModule = typeof reactHooksModuleName;

/** An API slice created with the core module, typed as if created with RTK Query's React one. */
type WithReactHooks<Slice> =
  Slice extends Api<
    infer BaseQuery,
    infer Definitions,
    infer ReducerPath,
    infer TagTypes,
    CoreModule
  >
    ? Api<BaseQuery, Definitions, ReducerPath, TagTypes, CoreModule | ReactHooksModule>
    : never;

/** `chatApi` as RTK Query's React `createApi` would have typed it: with its hooks. */
export type ChatApiWithHooks = WithReactHooks<typeof chatApi>;

/**
 * The chat's one API slice with its React hooks: the same object as
 * `chatApi` from `unet-chat-redux`, typed with `endpoints.*.useQuery`,
 * `useMutation` and `usePrefetch`.
 *
 * @example
 * ```tsx
 * const { data } = chatApiHooks.endpoints.getConversation.useQuery(conversationId);
 * const prefetch = chatApiHooks.usePrefetch('getMessages');
 * ```
 */
export const chatApiHooks = chatApi as unknown as ChatApiWithHooks;

/**
 * RTK Query's generated hooks of every endpoint of `chatApi`
 * (see docs/api.md for what each one loads and where its answer goes).
 *
 * @example
 * ```tsx
 * import { useGetConversationsQuery, useCreateConversationMutation } from 'unet-chat-redux/react';
 *
 * const { data: conversations = [], isLoading } = useGetConversationsQuery();
 * const [createConversation] = useCreateConversationMutation();
 * ```
 */
export const {
  useGetConversationsQuery,
  useGetConversationQuery,
  useCreateConversationMutation,
  useDeleteConversationMutation,
  useGetMessagesQuery,
  useGetMessageChangesQuery,
  useSendMessageMutation,
  useEditMessageMutation,
  useDeleteMessageMutation,
  useAddParticipantMutation,
  useRemoveParticipantMutation,
  useGetUsersQuery,
  useLazyGetConversationsQuery,
  useLazyGetConversationQuery,
  useLazyGetMessagesQuery,
  useLazyGetUsersQuery,
} = chatApiHooks;

/**
 * [ext] The hooks of message search (`searchApi`, injected into the same slice).
 *
 * @example
 * ```tsx
 * const { data } = useSearchMessagesQuery({ q: 'консультация' }, { skip: q.length === 0 });
 * ```
 */
export const { useSearchMessagesQuery, useLazySearchMessagesQuery } =
  searchApi as unknown as WithReactHooks<typeof searchApi>;
