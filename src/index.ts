/**
 * unet-chat-redux — a complete, real-time chat for any Redux app: an RTK Query
 * API slice for the unet-chat REST API, a listener middleware that owns the
 * WebSockets, normalized entities and memoized selectors.
 *
 * React hooks and components live in `unet-chat-redux/react`.
 */

// Store integration
export { createChat } from './createChat';
export { persistToStorage } from './persistence';
export { chatReducer } from './state/chatReducer';

// RTK Query API slice (its React hooks are in `unet-chat-redux/react`)
export { chatApi } from './api/chatApi';
export { attachChatApiModule } from './api/lateModules';

// [ext] Message search (injected into chatApi) and its word matching
export { searchApi } from './api/searchApi';
export { makeSnippet, matchesAllTerms, matchRanges, searchTerms } from './api/searchText';

// Direct API functions (the seed's names) and standalone clients
export { createChatClient, getConversations, sendMessage, getCurrentUserId } from './api/client';
export { ChatApiError, describeChatError, errorCodeOf } from './api/errors';
export {
  readStoredAccessToken,
  readStoredUserId,
  userIdFromToken,
  AUTH_DATA_KEY,
} from './api/tokens';

// Events (actions)
export {
  messagesReceived,
  olderMessagesRequested,
  historyLoadFailed,
  messageComposed,
  messageSendFailed,
  messageRetried,
  messageDiscarded,
  messageEditStarted,
  messageEditFailed,
  messageDeleteStarted,
  messageDeleteFailed,
  messagesRemoved,
  conversationRemoved,
  participantAdded,
  participantRemoved,
  usersReceived,
  noticeDismissed,
  authExpired,
  authRestored,
  conversationSubscribed,
  conversationUnsubscribed,
  connectionStatusChanged,
  reconnectRequested,
  disconnectRequested,
  protocolErrorReported,
  serverErrorReceived,
  syncFailed,
  syncRetryDue,
  syncRetryRequested,
  changesReceived,
  messageSendAttempted,
  messageSendRateLimited,
  outboxRestored,
  draftChanged,
  draftsRestored,
  draftsSynced,
  sessionStarted,
  sessionEnded,
  conversationsEvicted,
  messagesTrimmed,
  conversationReceived,
  readCursorMoved,
  messagesSeen,
  conversationViewed,
  typingReported,
  typingExpired,
  userTyping,
  presenceReceived,
  workspaceSubscribed,
  workspaceUnsubscribed,
  eventsBatched,
} from './state/events';

// Reading socket batches
export { unbatchChatActions } from './socket/listeners/events';

// Thunks
export {
  submitMessage,
  loadOlderMessages,
  subscribeToConversation,
  readCurrentUserId,
  watchChatActions,
  endChatSession,
  subscribeToWorkspace,
} from './state/thunks';

// Selectors
export {
  selectChatState,
  selectConversations,
  selectConversationById,
  selectConversationsLoaded,
  selectConversationsMatching,
  conversationDisplayName,
  selectUsers,
  selectUsersById,
  selectUserById,
  selectTimeline,
  makeSelectMessages,
  selectMessagesOfConversation,
  selectConversationMessage,
  timelineMessages,
  selectMessageById,
  selectMessageWithReply,
  selectLastMessage,
  selectLastMessages,
  selectUnsentMessages,
  selectPaging,
  selectSyncStatus,
  selectGapAfterId,
  selectWatermark,
  selectDraft,
  selectNewestMessageId,
  selectConnection,
  selectIsConnected,
  selectNotices,
  selectAuthExpired,
} from './state/selectors';
export {
  selectProtocolErrorCount,
  selectProtocolErrors,
  selectRecentProtocolErrors,
} from './state/diagnosticsSlice';

// The live workspace: unread, the "new messages" divider, typing, presence, receipts
export {
  selectUnreadCount,
  selectUnreadCounts,
  selectTotalUnread,
  selectNewMessagesDividerAfter,
  selectTypingUserIds,
  selectPresence,
  selectReceipt,
} from './state/workspaceSelectors';

// Normalization and timestamps
export { parseTimestamp } from './state/time';
export {
  messageSchema,
  conversationSchema,
  normalizeMessages,
  normalizeConversations,
} from './state/normalize';

// Real-time building blocks
export { createWebSocketFactory } from './socket/adapters/webSocket';
export { createMemoryTransport } from './socket/adapters/memory';
export { defaultFrameCodec } from './socket/codec';
export { createDefaultEnvironment, createManualEnvironment } from './socket/environment';
export { conversationSocketUrl, userStreamUrl } from './socket/url';
// Tab sharing (`shareAcrossTabs`, `createSharedSocketFactory`) is in `unet-chat-redux/tabs`.

export type { Chat, ChatReducers, ChatStoreMiddleware, ChatStoreState } from './createChat';
export type { ChatOptions } from './api/options';
export type { ChatClient } from './api/client';
export type { ChatQueryError } from './api/errors';
export type {
  GetMessagesArgs,
  GetMessageChangesArgs,
  EditMessageArgs,
  ParticipantArgs,
} from './api/chatApi';
export type { MessageChanges } from './api/validate';
export type { MessagePageParams } from './api/routes';
export type { MessageSearchArgs, MessageSearchHit, MessageSearchResult } from './api/searchApi';
export type { SearchSnippet, TextRange } from './api/searchText';
export type { ChatApiModule } from './api/lateModules';
export type { TokenStorage } from './api/tokens';
export type {
  Conversation,
  Message,
  ChatUser,
  CreateConversationBody,
  SendMessageBody,
  EditMessageBody,
} from './api/types';
export type {
  ChatMessage,
  MessageStatus,
  ConnectionStatus,
  SyncPhase,
  SyncState,
  SyncFailure,
} from './state/model';
export type { ChatState } from './state/chatReducer';
export type { ChatRootState, MessageWithReply, PagingState, SyncStatus } from './state/selectors';
export type { DraftsState } from './state/draftsSlice';
export type { ReadsState, ConversationReads } from './state/readsSlice';
export type { TypingState } from './state/typingSlice';
export type { PresenceState, UserPresence } from './state/presenceSlice';
export type { MessageReceipt } from './state/workspaceSelectors';
export type { ConversationEntity, ConversationsState } from './state/conversationsSlice';
export type { MessagesState, Timeline } from './state/messagesSlice';
export type { ConnectionState, ConnectionsState } from './state/connectionsSlice';
export type { ChatNotice, NoticeCode, NoticesState } from './state/noticesSlice';
export type { SessionState } from './state/sessionSlice';
export type { DiagnosticsState, ProtocolErrorRecord, ReasonCount } from './state/diagnosticsSlice';
export type { UsersState } from './state/usersSlice';
export type {
  MessageSource,
  PageRequest,
  MessagesReceivedMeta,
  MessagesReceivedPayload,
  ComposedMessage,
  StoredPendingMessage,
  SessionEndReason,
} from './state/events';
export type { SubmitMessageArgs } from './state/thunks';
export type { ChatDispatch } from './socket/context';
export type { NormalizedMessages, NormalizedConversations } from './state/normalize';
export type { ChatSocketOptions, ChatSocketSharing } from './socket/options';
export type { ChatPersistenceOptions, KeyValueStorage } from './socket/listeners/persistence';
export type { ChatPersistence } from './persistence';
export type { ChatMemoryOptions } from './socket/listeners/memory';
export type {
  SocketFactory,
  SocketHandlers,
  SocketOpenOptions,
  ChatSocket,
} from './socket/transport';
export type { WebSocketLike, WebSocketConstructor } from './socket/adapters/webSocket';
export type { MemoryTransport, MemorySocket, MemorySocketState } from './socket/adapters/memory';
export type {
  FrameCodec,
  ServerEvent,
  ClientFrame,
  DecodeResult,
  ReadPayload,
  TypingPayload,
  PresencePayload,
} from './socket/codec';
export type {
  SharedSocketFactory,
  SharedSocketOptions,
  SharedSocketScopeState,
  SharedTimers,
  TabChannel,
  TabChannelFactory,
  TabLockManager,
  ElectionTiming,
} from './socket/shared';
export type {
  ChatEnvironment,
  ManualEnvironment,
  ManualEnvironmentOptions,
} from './socket/environment';
export { readMarksSynced } from './state/readsSlice';
export type { ReadMark } from './state/readsSlice';
export { otherTabsOutboxSynced, selectOtherTabsMessages } from './state/otherTabsSlice';
export type { OtherTabMessage, OtherTabsState } from './state/otherTabsSlice';
