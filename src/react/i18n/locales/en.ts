/**
 * unet-chat-redux/react/locales/en — the English UI strings, an entry of
 * their own so that the React entry bundles one language (Russian, the
 * seed's). Pass `enLocale` to `ChatLocaleProvider`.
 */
import type { ChatLanguagePack, ChatStrings } from 'unet-chat-redux/react';
/**
 * English strings.
 *
 * @example
 * ```ts
 * enStrings.reconnecting(2, 5); // 'Reconnecting, attempt 2 of 5…'
 * ```
 */
export const enStrings: ChatStrings = {
  userFallback: (id) => `User #${id}`,
  you: 'You',
  loading: 'Loading…',
  cancel: 'Cancel',
  close: 'Close',

  conversationsHeading: 'Chats',
  searchLabel: 'Search conversations and messages',
  searchPlaceholder: 'Search',
  clearSearch: 'Clear search',
  newConversation: 'New conversation',
  noConversations: 'No conversations yet',
  noConversationsHint: 'Press “+” above to start your first conversation.',
  noSearchResults: (query) => `Nothing matches “${query}”`,
  privateUntitled: 'Private conversation',
  groupUntitled: 'Untitled group',
  noMessagesYet: 'No messages yet',
  previewOwnPrefix: 'You: ',
  deleteConversation: (title) => `Delete conversation “${title}”`,
  deleteConversationConfirm: 'Delete this conversation?',
  confirmDelete: 'Delete',

  createHeading: 'New conversation',
  typeLabel: 'Conversation type',
  typePrivate: 'Private',
  typeGroup: 'Group',
  titleLabel: 'Group name',
  titlePlaceholder: 'For example, “Exams”',
  participantLabel: 'Person',
  participantsLabel: 'Participants',
  findPeopleLabel: 'Find people',
  findPeoplePlaceholder: 'Name or username',
  noPeopleFound: 'Nobody found',
  participantIdsLabel: 'Participant ids',
  participantIdsHint: 'Numeric ids separated by commas or spaces',
  participantIdsInvalid: 'Enter numeric ids separated by commas, for example: 12, 34',
  chooseOneParticipant: 'Choose one person',
  chooseParticipants: 'Choose at least one participant',
  create: 'Create',
  creating: 'Creating…',
  createFailed: 'Could not create the conversation',

  back: 'Back to conversations',
  participantsCount: (count) => `${count} ${count === 1 ? 'participant' : 'participants'}`,
  selectConversation: 'Select a conversation',
  selectConversationHint: 'Pick a conversation on the left or start a new one.',

  messagesLabel: 'Messages',
  noMessages: 'No messages yet. Say hello!',
  loadOlder: 'Show earlier messages',
  loadingOlder: 'Loading earlier messages…',
  beginningOfConversation: 'Beginning of the conversation',
  today: 'Today',
  yesterday: 'Yesterday',
  edited: 'edited',
  editedAt: (date) => `Edited ${date}`,
  pending: 'Sending',
  failed: 'Not sent',
  retry: 'Retry',
  discard: 'Discard',
  reply: 'Reply',
  edit: 'Edit',
  delete: 'Delete',
  deleteMessageConfirm: 'Delete this message?',
  emptyText: 'Message without text',
  replyTargetMissing: 'Original message not loaded',
  jumpToReplyTarget: (name) => `Go to the message replied to (${name})`,
  jumpToQuoted: 'Go to the quoted message:',
  newMessages: (count) => `${count} new ${count === 1 ? 'message' : 'messages'}`,
  jumpToLatest: 'Jump to latest messages',
  announceNewMessage: (name, text) => `New message from ${name}: ${text}`,
  announceUnreadOnOpen: (count) =>
    `${count} new ${count === 1 ? 'message' : 'messages'}, shown from the first unread`,

  composerLabel: 'Message',
  composerPlaceholder: 'Write a message…',
  send: 'Send',
  saveEdit: 'Save',
  replyingTo: (name) => `Replying to ${name}`,
  editingMessage: 'Editing message',
  cancelReply: 'Cancel reply',
  cancelEdit: 'Cancel editing',
  charactersLeft: (count) => `${count} ${count === 1 ? 'character' : 'characters'} left`,
  tooLong: (max) => `The message is longer than ${max} characters`,

  connectionLabel: 'Connection',
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: (attempt, maxAttempts) =>
    attempt === undefined
      ? 'Reconnecting…'
      : maxAttempts === undefined
        ? `Reconnecting, attempt ${attempt}…`
        : `Reconnecting, attempt ${attempt} of ${maxAttempts}…`,
  retryIn: (seconds) => `in ${seconds} s`,
  connectionFailed: 'Disconnected',
  offline: 'Offline',
  reconnect: 'Reconnect',

  notices: {
    send_failed: 'Message not sent',
    edit_failed: 'Could not edit the message — the text was restored',
    delete_failed: 'Could not delete the message — it is back',
    history_failed: 'Could not load the history',
    catch_up_failed: 'Could not load missed messages',
    connection_failed: 'No connection to the chat',
    server_error: 'The chat server reported an error',
    auth_expired: 'Your session expired — please sign in again',
    request_failed: 'The request failed',
  },
  noticeHints: {
    send_failed: 'It is still in the conversation: send it again or discard it.',
    edit_failed: 'Please try editing it again.',
    delete_failed: 'Please try deleting it again.',
    history_failed: 'Check your connection; the conversation has a Retry button.',
    catch_up_failed: 'Some new messages are not shown yet; the conversation has a Retry button.',
    connection_failed: 'Press “Reconnect” in the conversation’s header.',
    server_error: 'Please try again in a moment.',
    auth_expired: 'The chat carries on once you sign in.',
    request_failed: 'Check your connection and try again.',
  },
  errors: {
    validation_error: 'The server did not accept the message: check the text',
    bad_request: 'The server did not understand the request',
    invalid_json: 'The server did not understand the request',
    body_required: 'The server did not understand the request',
    body_too_large: 'The request is too large',
    frame_too_large: 'The message is too large to send',
    rate_limited: 'Too many requests — wait a moment',
    not_found: 'Not found: it may have been deleted',
    forbidden: 'You have no access to this',
    conflict: 'This cannot be done right now',
    client_id_conflict: 'This message was already sent before',
    invalid_cursor: 'Could not load this part of the history',
    not_authenticated: 'Your session expired — please sign in again',
    token_expired: 'Your session expired — please sign in again',
    token_invalid: 'Your session is not valid — please sign in again',
    invalid_credentials: 'Wrong username or password',
    internal_error: 'Something went wrong on the server — try again later',
    server_error: 'The server is having trouble — try again later',
    fetch_error: 'No connection to the server',
    timeout_error: 'The server did not answer in time',
    parsing_error: 'The server sent an answer that could not be read',
    network: 'No connection to the server',
  },
  errorUnknown: (code) => `Error (${code})`,
  failedBecause: (reason) => `Not sent: ${reason}`,
  failedElsewhere: (reason) => `Not sent from another tab: ${reason}. Retry or discard it there`,

  withShortcut: (label, key) => `${label} (${key})`,
  messagesKeyboardHint:
    'Up and down arrows move between messages. R replies, E edits, Delete deletes.',
  gapLoading: 'Some messages are still loading…',
  gapNotLoaded: 'Some messages here are not loaded yet',
  messageFocused: 'Message found',

  syncCatchingUp: 'Loading missed messages…',
  syncRetrying: (seconds) =>
    seconds === null
      ? 'Could not load the messages. Trying again…'
      : `Could not load the messages. Trying again in ${seconds} s`,
  syncFailed: 'Could not load the messages',
  syncReason: (reason) => `Reason: ${reason}`,

  charactersOver: (count) => `${count} ${count === 1 ? 'character' : 'characters'} too many`,
  willSendInParts: (parts, max) =>
    `Longer than ${max} characters — it will go out as ${parts} messages, in order`,
  editTooLong: (max) => `An edited message cannot be longer than ${max} characters`,
  sendInParts: (parts) => `Send as ${parts} messages`,

  listLoadFailed: 'Could not load the conversations',
  listRefreshFailed: 'Could not refresh the conversations',

  searchConversationsHeading: 'Conversations',
  searchMessagesHeading: 'Messages',
  searchingMessages: 'Searching messages…',
  noMessageResults: 'No messages match',
  searchLoadedOnly: 'This server cannot search messages — showing matches among loaded ones only',
  searchFailedLoadedOnly: (reason) =>
    `The server search failed (${reason}) — showing matches among loaded messages`,
  searchMoreResults: (count) =>
    `Showing the ${count} newest matches; refine the search to find the rest`,
  searchResultsCount: (count) =>
    count === 0 ? 'Nothing found' : `${count} ${count === 1 ? 'message' : 'messages'} found`,
  searchResultIn: (conversation) => `in “${conversation}”`,
  unreadCount: (count) => `${count} unread`,
  typing: (names) =>
    names.length === 1
      ? `${names[0]} is typing…`
      : names.length === 2
        ? `${names[0]} and ${names[1]} are typing…`
        : `${names.length} people are typing…`,
  online: 'online',
  lastSeen: (when) => `last seen ${when}`,
  onlineCount: (count) => `${count} online`,
  newMessagesDivider: 'New messages',
  receiptSent: 'Sent',
  receiptDelivered: 'Delivered',
  receiptRead: 'Read',
  notificationTitle: (sender, conversation) =>
    conversation ? `${sender} in “${conversation}”` : sender,
};

/**
 * English, for `<ChatLocaleProvider locale={enLocale}>`: the strings and
 * US English dates.
 *
 * @example
 * ```tsx
 * import { ChatLocaleProvider, ChatContainer } from 'unet-chat-redux/react';
 * import { enLocale } from 'unet-chat-redux/react/locales/en';
 *
 * <ChatLocaleProvider locale={enLocale}>
 *   <ChatContainer />
 * </ChatLocaleProvider>;
 * ```
 */
export const enLocale: ChatLanguagePack = {
  language: 'en',
  strings: enStrings,
  dateLocale: 'en-US',
};
