/**
 * unet-chat-redux/react — hooks, presentational components and the seed's
 * containers (`ChatContainer`, `ChatMessages`, `ChatSelect`) on top of the
 * store. Presentational components take props only; containers connect them.
 */

// Containers (connected to the store)
export { ChatContainer } from './containers/ChatContainer';
export { ChatMessages } from './containers/ChatMessages';

// Presentational components (props in, callbacks out)
export {
  ChatLayout,
  ChatMessagesView,
  ChatSelect,
  ConnectionIndicator,
  CreateConversationPanel,
  MessageComposer,
  MessageList,
  MAX_MESSAGE_LENGTH,
  messageKey,
  parseParticipantIds,
  MessageSearchResults,
  MESSAGE_SHORTCUTS,
} from './components';

// The parts a host can replace through `slots` (ChatSlots), exported so a replacement can wrap them
export {
  MessageRow,
  messageArticleProps,
  ConversationRow,
  EmptyConversation,
  EmptyList,
  NoConversationSelected,
} from './components';

// RTK Query's hooks of the chat's one API slice
export {
  chatApiHooks,
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
  useSearchMessagesQuery,
  useLazySearchMessagesQuery,
} from './hooks/apiHooks';

// Hooks
export { useWebSocket } from './hooks/useWebSocket';
export { useConversations, useSendMessage } from './hooks/seed';
export { useConversationMessages } from './hooks/useConversationMessages';
export { useConnection } from './hooks/useConnection';
export { useCurrentUserId } from './hooks/useCurrentUserId';
export { useUserDirectory } from './hooks/useUserDirectory';
export { useChatNotices } from './hooks/useChatNotices';
export { useChatDispatch, useChatSelector, useChatStore } from './hooks/store';
export { RENDER_INTERVAL_MS, usePacedChatSelector, useRenderPacer } from './hooks/renderPace';
export { useDocumentTitleUnread } from './hooks/useDocumentTitleUnread';
export { useDesktopNotifications } from './hooks/useDesktopNotifications';
export { usePageAttention } from './hooks/usePageAttention';

// Strings and dates
export {
  ChatLocaleProvider,
  useChatLocale,
  useChatStrings,
  ruLocale,
  ruStrings,
  chatErrorText,
  closeCodeError,
} from './i18n';
export { formatMessageTime, formatListTime } from './format';

export type { ChatMessagesProps } from './containers/ChatMessages';
export type { ChatContainerProps } from './containers/ChatContainer';
export type {
  ChatLayoutProps,
  ChatMessagesViewProps,
  ChatSelectProps,
  ConnectionIndicatorProps,
  CreateConversationPanelProps,
  MessageComposerProps,
  MessageListProps,
  ChatListError,
  ChatSelection,
  ChatSyncState,
  MessagePart,
  MessageSearchResultsProps,
  MessageSearchState,
  ChatSlots,
  MessageRowProps,
  MessageRowActions,
  MessageArticleProps,
  ConversationRowProps,
  PreviewMessage,
  EmptyConversationProps,
  EmptyListProps,
} from './components';
export type { ChatApiWithHooks } from './hooks/apiHooks';
export type { UseWebSocketOptions, UseWebSocketResult } from './hooks/useWebSocket';
export type { SendMessageMutation } from './hooks/seed';
export type {
  ConversationMessages,
  ConversationMessagesOptions,
} from './hooks/useConversationMessages';
export type { RenderPacer } from './hooks/renderPace';
export type { ConnectionInfo } from './hooks/useConnection';
export type { UserDirectory } from './hooks/useUserDirectory';
export type {
  DesktopNotificationsOptions,
  DesktopNotifications,
} from './hooks/useDesktopNotifications';
export type {
  ChatLocale,
  ChatLocaleProviderProps,
  ChatLanguage,
  ChatLanguagePack,
  ChatStrings,
  ChatErrorCode,
} from './i18n';
export type { ChatDateOptions } from './format';
