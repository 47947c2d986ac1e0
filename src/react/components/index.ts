export { ChatLayout } from './ChatLayout';
export { ChatMessagesView } from './ChatMessagesView';
export { ChatSelect } from './ChatSelect';
export { ConnectionIndicator } from './ConnectionIndicator';
export { CreateConversationPanel, parseParticipantIds } from './CreateConversationPanel';
export { MAX_MESSAGE_LENGTH, MessageComposer } from './MessageComposer';
export { MESSAGE_SHORTCUTS } from './MessageRow';
export { MessageList, messageKey } from './MessageList';
export { MessageSearchResults } from './MessageSearchResults';

export type { ChatLayoutProps } from './ChatLayout';
export type { ChatMessagesViewProps, ChatSyncState } from './ChatMessagesView';
export type { ChatListError, ChatSelectProps, ChatSelection } from './ChatSelect';
export type { ConnectionIndicatorProps } from './ConnectionIndicator';
export type { CreateConversationPanelProps } from './CreateConversationPanel';
export type { MessageComposerProps, MessagePart } from './MessageComposer';
export type { MessageListProps } from './MessageList';
export type { MessageSearchResultsProps, MessageSearchState } from './MessageSearchResults';
