import type { NoticeCode } from '../../state/noticesSlice';

/**
 * Every piece of text the chat components show, in one place.
 * Russian is the default (the seed's users); English is available.
 * Texts that depend on a number or a name are functions, so each language
 * can place the value and pick its own plural form.
 */

/** A language the package ships strings for. */
export type ChatLanguage = 'ru' | 'en';

/** The UI strings of the chat components; override any of them through `ChatLocaleProvider`. */
export interface ChatStrings {
  /** Name shown for a sender or participant missing from the user directory. */
  userFallback: (id: number) => string;
  /** The reader, in previews and quotes ("You"). */
  you: string;
  loading: string;
  cancel: string;
  close: string;

  conversationsHeading: string;
  searchLabel: string;
  searchPlaceholder: string;
  clearSearch: string;
  newConversation: string;
  noConversations: string;
  noConversationsHint: string;
  noSearchResults: (query: string) => string;
  privateUntitled: string;
  groupUntitled: string;
  noMessagesYet: string;
  /** Prefix of a list preview of the reader's own last message. */
  previewOwnPrefix: string;
  deleteConversation: (title: string) => string;
  deleteConversationConfirm: string;
  confirmDelete: string;

  createHeading: string;
  typeLabel: string;
  typePrivate: string;
  typeGroup: string;
  titleLabel: string;
  titlePlaceholder: string;
  participantLabel: string;
  participantsLabel: string;
  findPeopleLabel: string;
  findPeoplePlaceholder: string;
  noPeopleFound: string;
  participantIdsLabel: string;
  participantIdsHint: string;
  participantIdsInvalid: string;
  chooseOneParticipant: string;
  chooseParticipants: string;
  create: string;
  creating: string;
  createFailed: string;

  back: string;
  participantsCount: (count: number) => string;
  selectConversation: string;
  selectConversationHint: string;

  messagesLabel: string;
  noMessages: string;
  loadOlder: string;
  loadingOlder: string;
  beginningOfConversation: string;
  today: string;
  yesterday: string;
  edited: string;
  editedAt: (date: string) => string;
  pending: string;
  failed: string;
  retry: string;
  discard: string;
  reply: string;
  edit: string;
  delete: string;
  deleteMessageConfirm: string;
  emptyText: string;
  replyTargetMissing: string;
  jumpToReplyTarget: (name: string) => string;
  newMessages: (count: number) => string;
  jumpToLatest: string;
  /** Read by screen readers when a message from someone else arrives. */
  announceNewMessage: (name: string, text: string) => string;

  composerLabel: string;
  composerPlaceholder: string;
  send: string;
  saveEdit: string;
  replyingTo: (name: string) => string;
  editingMessage: string;
  cancelReply: string;
  cancelEdit: string;
  charactersLeft: (count: number) => string;
  tooLong: (max: number) => string;

  connectionLabel: string;
  connected: string;
  connecting: string;
  reconnecting: (attempt: number | undefined, maxAttempts: number | undefined) => string;
  retryIn: (seconds: number) => string;
  connectionFailed: string;
  offline: string;
  reconnect: string;

  /** Toast titles for the store's notices (the toast's description is the server's own words). */
  notices: Record<NoticeCode, string>;
}

const ruPlural = new Intl.PluralRules('ru');

/** Picks the Russian form for `count`: `[one, few, many]` — 1 сообщение, 2 сообщения, 5 сообщений. */
function ru(count: number, forms: readonly [string, string, string]): string {
  const rule = ruPlural.select(count);
  return rule === 'one' ? forms[0] : rule === 'few' ? forms[1] : forms[2];
}

/**
 * Russian strings, the default.
 *
 * @example
 * ```ts
 * ruStrings.newMessages(3); // '3 новых сообщения'
 * ```
 */
export const ruStrings: ChatStrings = {
  userFallback: (id) => `Пользователь #${id}`,
  you: 'Вы',
  loading: 'Загрузка…',
  cancel: 'Отмена',
  close: 'Закрыть',

  conversationsHeading: 'Чаты',
  searchLabel: 'Поиск бесед',
  searchPlaceholder: 'Поиск',
  clearSearch: 'Очистить поиск',
  newConversation: 'Новая беседа',
  noConversations: 'Бесед пока нет',
  noConversationsHint: 'Нажмите «+» вверху, чтобы начать первую беседу.',
  noSearchResults: (query) => `По запросу «${query}» ничего не найдено`,
  privateUntitled: 'Личная беседа',
  groupUntitled: 'Группа без названия',
  noMessagesYet: 'Сообщений пока нет',
  previewOwnPrefix: 'Вы: ',
  deleteConversation: (title) => `Удалить беседу «${title}»`,
  deleteConversationConfirm: 'Удалить беседу?',
  confirmDelete: 'Удалить',

  createHeading: 'Новая беседа',
  typeLabel: 'Тип беседы',
  typePrivate: 'Личная',
  typeGroup: 'Группа',
  titleLabel: 'Название группы',
  titlePlaceholder: 'Например, «Экзамены»',
  participantLabel: 'Собеседник',
  participantsLabel: 'Участники',
  findPeopleLabel: 'Найти людей',
  findPeoplePlaceholder: 'Имя или логин',
  noPeopleFound: 'Никого не найдено',
  participantIdsLabel: 'ID участников',
  participantIdsHint: 'Числовые ID через запятую или пробел',
  participantIdsInvalid: 'Введите числовые ID через запятую, например: 12, 34',
  chooseOneParticipant: 'Выберите одного собеседника',
  chooseParticipants: 'Выберите хотя бы одного участника',
  create: 'Создать',
  creating: 'Создание…',
  createFailed: 'Не удалось создать беседу',

  back: 'Назад к списку бесед',
  participantsCount: (count) => `${count} ${ru(count, ['участник', 'участника', 'участников'])}`,
  selectConversation: 'Выберите беседу',
  selectConversationHint: 'Выберите беседу слева или создайте новую.',

  messagesLabel: 'Сообщения',
  noMessages: 'Сообщений пока нет. Напишите первым!',
  loadOlder: 'Показать более ранние сообщения',
  loadingOlder: 'Загрузка более ранних сообщений…',
  beginningOfConversation: 'Начало беседы',
  today: 'Сегодня',
  yesterday: 'Вчера',
  edited: 'изменено',
  editedAt: (date) => `Изменено ${date}`,
  pending: 'Отправляется',
  failed: 'Не отправлено',
  retry: 'Повторить',
  discard: 'Не отправлять',
  reply: 'Ответить',
  edit: 'Изменить',
  delete: 'Удалить',
  deleteMessageConfirm: 'Удалить сообщение?',
  emptyText: 'Сообщение без текста',
  replyTargetMissing: 'Исходное сообщение не загружено',
  jumpToReplyTarget: (name) => `Перейти к сообщению, на которое ответили (${name})`,
  newMessages: (count) =>
    `${count} ${ru(count, ['новое сообщение', 'новых сообщения', 'новых сообщений'])}`,
  jumpToLatest: 'К последним сообщениям',
  announceNewMessage: (name, text) => `Новое сообщение от ${name}: ${text}`,

  composerLabel: 'Сообщение',
  composerPlaceholder: 'Напишите сообщение…',
  send: 'Отправить',
  saveEdit: 'Сохранить',
  replyingTo: (name) => `Ответ ${name}`,
  editingMessage: 'Редактирование сообщения',
  cancelReply: 'Отменить ответ',
  cancelEdit: 'Отменить редактирование',
  charactersLeft: (count) => `Осталось ${count} ${ru(count, ['символ', 'символа', 'символов'])}`,
  tooLong: (max) => `Сообщение длиннее ${max} символов`,

  connectionLabel: 'Соединение',
  connected: 'Подключено',
  connecting: 'Подключение…',
  reconnecting: (attempt, maxAttempts) =>
    attempt === undefined
      ? 'Переподключение…'
      : maxAttempts === undefined
        ? `Переподключение, попытка ${attempt}…`
        : `Переподключение, попытка ${attempt} из ${maxAttempts}…`,
  retryIn: (seconds) => `через ${seconds} с`,
  connectionFailed: 'Нет соединения',
  offline: 'Не в сети',
  reconnect: 'Переподключиться',

  notices: {
    send_failed: 'Сообщение не отправлено',
    edit_failed: 'Не удалось изменить сообщение — текст восстановлен',
    delete_failed: 'Не удалось удалить сообщение — оно возвращено',
    history_failed: 'Не удалось загрузить историю',
    catch_up_failed: 'Не удалось загрузить пропущенные сообщения',
    connection_failed: 'Нет соединения с чатом',
    server_error: 'Сервер чата сообщил об ошибке',
    auth_expired: 'Сессия истекла — войдите снова',
    request_failed: 'Запрос не выполнен',
  },
};

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
  searchLabel: 'Search conversations',
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
  newMessages: (count) => `${count} new ${count === 1 ? 'message' : 'messages'}`,
  jumpToLatest: 'Jump to latest messages',
  announceNewMessage: (name, text) => `New message from ${name}: ${text}`,

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
};

/**
 * The shipped strings by language, to start a custom set from.
 *
 * @example
 * ```tsx
 * <ChatLocaleProvider strings={{ ...chatStrings.en, send: 'Post' }} language="en" />
 * ```
 */
export const chatStrings: Readonly<Record<ChatLanguage, ChatStrings>> = {
  ru: ruStrings,
  en: enStrings,
};

/**
 * The BCP 47 tag used for dates when the host gives none: dates speak the UI's language.
 *
 * @example
 * ```ts
 * defaultDateLocale.ru; // 'ru-RU'
 * ```
 */
export const defaultDateLocale: Readonly<Record<ChatLanguage, string>> = {
  ru: 'ru-RU',
  en: 'en-US',
};
