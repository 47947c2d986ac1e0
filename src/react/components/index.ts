export { ChatLayout } from './ChatLayout';
export { ChatMessagesView } from './ChatMessagesView';
export { ChatSelect } from './ChatSelect';
export { ConnectionIndicator } from './ConnectionIndicator';
export { CreateConversationPanel, parseParticipantIds } from './CreateConversationPanel';
export { MAX_MESSAGE_LENGTH, MessageComposer } from './MessageComposer';
export { MessageList, messageKey } from './MessageList';

export type { ChatLayoutProps } from './ChatLayout';
export type { ChatMessagesViewProps } from './ChatMessagesView';
export type { ChatSelectProps } from './ChatSelect';
export type { ConnectionIndicatorProps } from './ConnectionIndicator';
export type { CreateConversationPanelProps } from './CreateConversationPanel';
export type { MessageComposerProps } from './MessageComposer';
export type { MessageListProps } from './MessageList';
