import type { SyncPhase } from 'unet-chat-redux';
import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import type { ChatUser, Conversation } from '../../api/types';
import type { ChatMessage, ConnectionStatus } from '../../state/model';
import type { UserPresence } from '../../state/presenceSlice';
import type { MessageReceipt } from '../../state/workspaceSelectors';
import { formatMessageTime, parseChatDate } from '../format';
import { useChatLocale, useChatStrings } from '../i18n/context';
import type { ChatStrings } from '../i18n/strings';
import { chatErrorText } from '../i18n/strings';
import { ConnectionIndicator } from './ConnectionIndicator';
import { EmptyConversation, NoConversationSelected } from './EmptyStates';
import { BackIcon, RetryIcon } from './internal/icons';
import {
  avatarHue,
  conversationTitle,
  initials,
  otherParticipantIds,
  userName,
} from './internal/names';
import { MessageComposer } from './MessageComposer';
import { useNow } from './internal/useNow';
import { MessageList } from './MessageList';
import type { ChatSlots } from './slots';

/** Where loading a conversation's messages stands, as the view shows it. */
export interface ChatSyncState {
  /**
   * `loading`: the first page is on its way (a spinner); `catchingUp`: missed
   * messages are being fetched (a quiet note); `retrying` / `failed`: loading
   * failed — the reason and a Retry button instead of an endless spinner;
   * `disconnected`: the socket is down (the connection indicator says so, the
   * view shows no spinner and no alarm); `idle` and `live`: nothing to show.
   */
  phase: SyncPhase;
  /** The failure in the transport's or server's words (tooltip only). */
  error: string | null;
  /** The failure's code, worded in the UI's language (see `chatErrorText`). */
  errorCode: string | null;
  /** While `retrying`: the wait before the next attempt. */
  nextRetryInMs: number | null;
}

/** Props of {@link ChatMessagesView}. */
export interface ChatMessagesViewProps {
  /** The open conversation; `undefined` shows a "select a conversation" placeholder. */
  conversation: Conversation | undefined;
  /** Its messages, oldest first. */
  messages: ChatMessage[];
  currentUserId: number | null;
  /** Names by user id, for the header, senders and quotes. */
  users?: Record<number, ChatUser>;
  resolveMessage: (id: string) => ChatMessage | undefined;
  /** The first page of messages is being fetched. */
  loading?: boolean;
  hasMoreOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;

  connectionStatus: ConnectionStatus;
  connectionAttempt?: number;
  connectionMaxAttempts?: number;
  connectionNextDelayMs?: number | null;
  connectionError?: string | null;
  /** The last close code of the socket: the indicator words a failure by it. */
  connectionCode?: number | null;
  onReconnect: () => void;

  /** Where loading the messages stands; `retrying` and `failed` show the reason and Retry. */
  sync?: ChatSyncState;
  /** The Retry button of a failed or retrying load. */
  onRetrySync?: () => void;
  /** See `MessageList`: a row saying some messages are still loading, after this one. */
  gapAfterId?: string | null;
  /** See `MessageList`: scroll to, highlight and focus this message once it is loaded. */
  focusMessageId?: string | null;
  onFocusMessageDone?: () => void;
  /** The composer's draft, controlled (see `MessageComposer`). */
  draft?: string;
  onDraftChange?: (text: string) => void;
  /** Change this number to move the focus into the composer (e.g. a conversation opened with Enter). */
  composerFocusRequest?: number;

  /** Send a new message; `replyTo` is the id of the quoted message or `null`. */
  onSend: (text: string, replyTo: string | null) => void;
  onEdit: (id: string, text: string) => void;
  onDelete: (id: string) => void;
  onRetry: (message: ChatMessage) => void;
  onDiscard: (message: ChatMessage) => void;
  onMissingReplyTarget?: (id: string) => void;
  /** Shows a back button (on narrow layouts) that returns to the conversation list. */
  onBack?: () => void;
  composerDisabled?: boolean;
  composerPlaceholder?: string;
  /** See `MessageList`: the "new messages" divider goes after this message. */
  dividerAfterId?: string | null;
  /** See `MessageList`: receipts of own messages (private chats). */
  receipts?: Readonly<Record<string, MessageReceipt>>;
  /** See `MessageList`: the newest message on screen changed (report it with `messagesSeen`). */
  onNewestVisibleChange?: (message: ChatMessage) => void;
  /** [ext] Who is typing here (user ids, not the reader): a line under the messages. */
  typingUserIds?: readonly number[];
  /** [ext] Presence by user id: "в сети" / "был(а) в сети …" in the header and the participants. */
  presence?: Readonly<Record<number, UserPresence>>;
  /** The person typed in the composer (see `MessageComposer.onTyping`). */
  onTyping?: () => void;
  /**
   * Replaces the message row, the empty conversation, the composer and the
   * "select a conversation" placeholder (see `ChatSlots`).
   */
  slots?: Pick<
    ChatSlots,
    'MessageRow' | 'EmptyConversation' | 'Composer' | 'NoConversationSelected'
  >;
  className?: string;
}

type ConversationPaneProps = Omit<ChatMessagesViewProps, 'conversation'> & {
  conversation: Conversation;
};

/**
 * One conversation on screen: a header (title, participants, [ext] presence,
 * connection state, back button), the message list, who is typing, and the
 * composer. It holds only local UI state —
 * which message is being replied to or edited — and reports everything else
 * through callbacks.
 *
 * @example
 * ```tsx
 * <ChatMessagesView
 *   conversation={conversation}
 *   messages={messages}
 *   currentUserId={me}
 *   resolveMessage={(id) => byId[id]}
 *   hasMoreOlder={hasMore}
 *   loadingOlder={loadingOlder}
 *   onLoadOlder={loadOlder}
 *   connectionStatus={status}
 *   onReconnect={reconnect}
 *   onSend={(text, replyTo) => send(text, replyTo)}
 *   onEdit={edit}
 *   onDelete={remove}
 *   onRetry={retry}
 *   onDiscard={discard}
 *   onBack={() => select(null)}
 * />
 * ```
 */
export function ChatMessagesView({ conversation, className, ...rest }: ChatMessagesViewProps) {
  const strings = useChatStrings();
  const classes = ['ucr-root', 'ucr-messages-view', className].filter(Boolean).join(' ');
  if (!conversation) {
    const Placeholder = rest.slots?.NoConversationSelected ?? NoConversationSelected;
    return (
      <section className={classes} aria-label={strings.selectConversation}>
        <Placeholder />
      </section>
    );
  }
  // Keyed by conversation, so a reply or an edit under way never leaks into another one.
  return (
    <ConversationPane
      key={conversation.id}
      conversation={conversation}
      className={classes}
      {...rest}
    />
  );
}

function ConversationPane({
  conversation,
  messages,
  currentUserId,
  users,
  resolveMessage,
  loading = false,
  hasMoreOlder,
  loadingOlder,
  onLoadOlder,
  connectionStatus,
  connectionAttempt,
  connectionMaxAttempts,
  connectionNextDelayMs,
  connectionError,
  connectionCode,
  onReconnect,
  sync,
  onRetrySync,
  gapAfterId,
  focusMessageId,
  onFocusMessageDone,
  draft,
  onDraftChange,
  composerFocusRequest,
  onSend,
  onEdit,
  onDelete,
  onRetry,
  onDiscard,
  onMissingReplyTarget,
  onBack,
  composerDisabled = false,
  composerPlaceholder,
  slots,
  className,
  dividerAfterId,
  receipts,
  onNewestVisibleChange,
  typingUserIds,
  presence,
  onTyping,
}: ConversationPaneProps) {
  const { strings, dateLocale, timeZone } = useChatLocale();
  const Composer = slots?.Composer ?? MessageComposer;
  const Empty = slots?.EmptyConversation ?? EmptyConversation;
  const titleId = useId();
  const [replyToId, setReplyToId] = useState<string | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);

  // A message deleted meanwhile simply ends the reply or the edit.
  const replyTo = replyToId !== null ? (resolveMessage(replyToId) ?? null) : null;
  const editing = editingId !== null ? (resolveMessage(editingId) ?? null) : null;

  const findUser = (id: number) => users?.[id];
  const title = conversationTitle(conversation, currentUserId, findUser, strings);
  const participants = conversation.participant_ids ?? [];
  const now = useNow();
  const dateOptions = { locale: dateLocale, timeZone, now };
  let subtitle: ReactNode = null;
  let presenceLine: string | null = null;
  if (conversation.type === 'group' && participants.length > 0) {
    const online = participants.filter((id) => id !== currentUserId && presence?.[id]?.online);
    const nameOf = (id: number) =>
      id === currentUserId ? strings.you : userName(id, findUser(id), strings);
    subtitle =
      online.length === 0 ? (
        `${strings.participantsCount(participants.length)} · ${participants.map(nameOf).join(', ')}`
      ) : (
        <>
          {strings.participantsCount(participants.length)}
          {online.length > 0 && ` · ${strings.onlineCount(online.length)}`}
          {' · '}
          {participants.map((id, index) => (
            <span
              key={id}
              className="ucr-participant"
              data-online={(id !== currentUserId && presence?.[id]?.online) || undefined}
            >
              {index > 0 && ', '}
              {nameOf(id)}
              {id !== currentUserId && presence?.[id]?.online && (
                <span className="ucr-visually-hidden"> ({strings.online})</span>
              )}
            </span>
          ))}
        </>
      );
  } else if (conversation.type === 'private') {
    const [other] = otherParticipantIds(conversation, currentUserId);
    const user = other !== undefined ? findUser(other) : undefined;
    // The title already names the other person unless the conversation has its own title.
    if (other !== undefined && conversation.title?.trim())
      subtitle = userName(other, user, strings);
    else if (user?.username) subtitle = `@${user.username}`;
    presenceLine =
      other !== undefined ? presenceText(presence?.[other], strings, dateOptions) : null;
  }
  const typingText =
    typingUserIds && typingUserIds.length > 0
      ? strings.typing(typingUserIds.map((id) => userName(id, findUser(id), strings)))
      : null;

  // ↑ in an empty composer edits the newest message of one's own, once the server has it.
  // One still on its way (or failed) is not skipped for the one before it: that was just
  // sent, and ↑ then is meant for it.
  function editLast() {
    for (let index = messages.length - 1; index >= 0; index--) {
      const message = messages[index];
      if (!message || message.sender_id !== currentUserId) continue;
      if (message.status === 'sent') {
        setReplyToId(null);
        setEditingId(message.id);
      }
      return;
    }
  }

  const syncProblem = sync && (sync.phase === 'retrying' || sync.phase === 'failed') ? sync : null;
  const syncNotice = syncProblem && (
    <div className="ucr-sync-problem" role="alert">
      <p className="ucr-sync-problem__title">
        {syncProblem.phase === 'retrying'
          ? strings.syncRetrying(
              syncProblem.nextRetryInMs === null
                ? null
                : Math.max(1, Math.ceil(syncProblem.nextRetryInMs / 1000)),
            )
          : strings.syncFailed}
      </p>
      <p className="ucr-sync-problem__reason" title={syncProblem.error ?? undefined}>
        {strings.syncReason(chatErrorText(strings, syncProblem.errorCode))}
      </p>
      {onRetrySync && (
        <button type="button" className="ucr-button ucr-button--small" onClick={onRetrySync}>
          <RetryIcon />
          {strings.retry}
        </button>
      )}
    </div>
  );
  // Only while something is fetching them; a socket that is down, or a failed load, has no spinner.
  const gapLoading = sync === undefined || sync.phase === 'catchingUp' || sync.phase === 'loading';
  const showSpinner =
    !syncProblem && messages.length === 0 && (loading || sync?.phase === 'loading');

  const replyToName = replyTo
    ? replyTo.sender_id === currentUserId
      ? strings.you
      : userName(replyTo.sender_id, findUser(replyTo.sender_id), strings)
    : undefined;

  return (
    <section className={className} aria-labelledby={titleId}>
      <header className="ucr-header">
        {onBack && (
          <button
            type="button"
            className="ucr-icon-button ucr-header__back"
            aria-label={strings.back}
            title={strings.back}
            onClick={onBack}
          >
            <BackIcon />
          </button>
        )}
        <span
          className="ucr-avatar ucr-avatar--small"
          aria-hidden="true"
          style={{ ['--ucr-avatar-hue' as string]: avatarHue(conversation.id) }}
        >
          {initials(title)}
        </span>
        <div className="ucr-header__text">
          <h2 id={titleId} className="ucr-header__title">
            {title}
          </h2>
          {(subtitle || presenceLine) && (
            <p className="ucr-header__subtitle">
              {presenceLine && (
                <span
                  className="ucr-presence"
                  data-online={presenceLine === strings.online || undefined}
                >
                  {presenceLine}
                </span>
              )}
              {presenceLine && subtitle && ' · '}
              {subtitle}
            </p>
          )}
        </div>
        <ConnectionIndicator
          className="ucr-header__connection"
          status={connectionStatus}
          attempt={connectionAttempt}
          maxAttempts={connectionMaxAttempts}
          nextDelayMs={connectionNextDelayMs}
          error={connectionError}
          code={connectionCode}
          onRetry={onReconnect}
        />
      </header>

      <div className="ucr-messages-view__body">
        {syncNotice && messages.length > 0 && (
          <div className="ucr-messages-view__banner">{syncNotice}</div>
        )}
        {sync?.phase === 'catchingUp' && (
          <p className="ucr-messages-view__catching-up" role="status">
            <span className="ucr-spinner" aria-hidden="true" />
            {strings.syncCatchingUp}
          </p>
        )}
        {syncNotice && messages.length === 0 ? (
          <div className="ucr-messages-view__loading">{syncNotice}</div>
        ) : showSpinner ? (
          <div className="ucr-messages-view__loading" role="status">
            <span className="ucr-spinner" aria-hidden="true" />
            {strings.loading}
          </div>
        ) : (
          <MessageList
            messages={messages}
            currentUserId={currentUserId}
            users={users}
            resolveMessage={resolveMessage}
            hasMoreOlder={hasMoreOlder}
            loadingOlder={loadingOlder}
            onLoadOlder={onLoadOlder}
            onReply={(message) => {
              setEditingId(null);
              setReplyToId(message.id);
            }}
            onEdit={(message) => {
              setReplyToId(null);
              setEditingId(message.id);
            }}
            onDelete={(message) => {
              if (message.id === editingId) setEditingId(null);
              if (message.id === replyToId) setReplyToId(null);
              onDelete(message.id);
            }}
            onRetry={onRetry}
            onDiscard={onDiscard}
            onMissingReplyTarget={onMissingReplyTarget}
            activeMessageId={editingId ?? replyToId}
            showSenderNames={conversation.type !== 'private'}
            gapAfterId={gapAfterId}
            gapLoading={gapLoading}
            caughtUp={sync === undefined || sync.phase === 'live'}
            focusMessageId={focusMessageId}
            onFocusMessageDone={onFocusMessageDone}
            slots={slots}
            empty={<Empty conversation={conversation} title={title} />}
            dividerAfterId={dividerAfterId}
            receipts={receipts}
            onNewestVisibleChange={onNewestVisibleChange}
          />
        )}
        <p className="ucr-typing" aria-live="polite" data-active={typingText !== null || undefined}>
          {typingText && (
            <>
              <span className="ucr-typing__dots" aria-hidden="true">
                <span />
                <span />
                <span />
              </span>
              {typingText}
            </>
          )}
        </p>
      </div>

      <Composer
        onSend={(text, part) => {
          // Of a text sent in parts, only the first answers the quoted message.
          onSend(text, (part?.index ?? 0) === 0 ? (replyTo?.id ?? null) : null);
          setReplyToId(null);
        }}
        onEditLast={editLast}
        draft={draft}
        onDraftChange={onDraftChange}
        focusRequest={composerFocusRequest}
        disabled={composerDisabled}
        replyTo={replyTo}
        replyToName={replyToName}
        onCancelReply={() => setReplyToId(null)}
        editing={editing}
        onSubmitEdit={(text) => {
          if (editing) onEdit(editing.id, text);
          setEditingId(null);
        }}
        onCancelEdit={() => setEditingId(null)}
        placeholder={composerPlaceholder}
        onTyping={onTyping}
      />
    </section>
  );
}

/** "в сети", "был(а) в сети 10:24", or null when the server tells nothing. */
function presenceText(
  presence: UserPresence | undefined,
  strings: ChatStrings,
  dateOptions: { locale: string; timeZone?: string; now: number },
): string | null {
  if (!presence) return null;
  if (presence.online) return strings.online;
  const seenMs = presence.lastSeenAt ? parseChatDate(presence.lastSeenAt) : NaN;
  return Number.isFinite(seenMs) ? strings.lastSeen(formatMessageTime(seenMs, dateOptions)) : null;
}
