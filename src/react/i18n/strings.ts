import type { NoticeCode } from '../../state/noticesSlice';

/**
 * Every piece of text the chat components show, in one place.
 * Russian is the default (the seed's users) and the only language this
 * entry bundles; English is `unet-chat-redux/react/locales/en`.
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
  /** Read before a quote, which is a button that goes to the quoted message. */
  jumpToQuoted: string;
  newMessages: (count: number) => string;
  jumpToLatest: string;
  /** Read by screen readers when a message from someone else arrives. */
  announceNewMessage: (name: string, text: string) => string;
  /** Read by screen readers once when a conversation opens at its "new messages" divider. */
  announceUnreadOnOpen: (count: number) => string;

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

  /** Toast titles for the store's notices (`useChatNotices`). */
  notices: Record<NoticeCode, string>;
  /**
   * Toast descriptions under those titles: what happens now or what to do.
   * The server's or network's own words never appear in a toast; they go to
   * the console.
   */
  noticeHints: Record<NoticeCode, string>;

  /** Errors from the server and the network, by code (see {@link chatErrorText}). */
  errors: Record<ChatErrorCode, string>;
  /** An error whose code the strings do not know. */
  errorUnknown: (code: string) => string;
  /** Why a message was not sent, under the failed message. */
  failedBecause: (reason: string) => string;
  /** The same for a message another tab of the person holds (its Retry and Discard are there). */
  failedElsewhere: (reason: string) => string;

  /** A control's label with its keyboard shortcut, for tooltips. */
  withShortcut: (label: string, key: string) => string;
  /** Read once by screen readers on entering the message list. */
  messagesKeyboardHint: string;
  /** The row that marks a stretch of history not loaded yet, while it loads. */
  gapLoading: string;
  /** The same row while nothing is loading it (the socket is down, loading failed). */
  gapNotLoaded: string;
  /** A message scrolled to (search result, link) is announced like this. */
  messageFocused: string;

  syncCatchingUp: string;
  /** The history could not be loaded and a new try is planned (`seconds` until it, when known). */
  syncRetrying: (seconds: number | null) => string;
  syncFailed: string;
  /** The reason under `syncRetrying` / `syncFailed`. */
  syncReason: (reason: string) => string;

  charactersOver: (count: number) => string;
  /** A text over the limit will go out as `parts` messages, in order. */
  willSendInParts: (parts: number, max: number) => string;
  /** An edit over the limit cannot be split, so it cannot be saved. */
  editTooLong: (max: number) => string;
  sendInParts: (parts: number) => string;

  listLoadFailed: string;
  listRefreshFailed: string;

  searchConversationsHeading: string;
  searchMessagesHeading: string;
  searchingMessages: string;
  noMessageResults: string;
  /** The server has no message search: only what is loaded was searched. */
  searchLoadedOnly: string;
  /** The server's search failed; the loaded messages were searched instead. */
  searchFailedLoadedOnly: (reason: string) => string;
  /** More messages match than are listed. */
  searchMoreResults: (count: number) => string;
  /** Screen-reader summary after a search. */
  searchResultsCount: (count: number) => string;
  /** The conversation a search result is in, for its label. */
  searchResultIn: (conversation: string) => string;

  /** The unread badge of a conversation row, for screen readers ("3 unread"). */
  unreadCount: (count: number) => string;
  /** Who is typing: one name, two names, or how many people. */
  typing: (names: readonly string[]) => string;
  /** Presence in a private chat's header and the participant list. */
  online: string;
  /** Last seen, with the time already worded ("сегодня в 10:24"). */
  lastSeen: (when: string) => string;
  /** How many participants of a group are online. */
  onlineCount: (count: number) => string;
  /** The "new messages" divider in the message list. */
  newMessagesDivider: string;
  /** Receipts of one's own messages in a private chat. */
  receiptSent: string;
  receiptDelivered: string;
  receiptRead: string;
  /** A desktop notification's title: who wrote, and where in a group. */
  notificationTitle: (sender: string, conversation: string | null) => string;
}

/**
 * Error codes the strings word: the server's `code` values, `http_<status>`
 * for a bare status, the RTK Query statuses in lower case, and the socket's
 * close reasons. Any other code is worded by `errorUnknown`.
 */
export type ChatErrorCode =
  | 'validation_error'
  | 'bad_request'
  | 'invalid_json'
  | 'body_required'
  | 'body_too_large'
  | 'frame_too_large'
  | 'rate_limited'
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'client_id_conflict'
  | 'invalid_cursor'
  | 'not_authenticated'
  | 'token_expired'
  | 'token_invalid'
  | 'invalid_credentials'
  | 'internal_error'
  | 'server_error'
  | 'fetch_error'
  | 'timeout_error'
  | 'parsing_error'
  | 'network';

const statusCodes: Record<number, ChatErrorCode> = {
  400: 'bad_request',
  401: 'not_authenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'body_too_large',
  422: 'validation_error',
  429: 'rate_limited',
};

const aliases: Record<string, ChatErrorCode> = {
  custom_error: 'parsing_error',
  unsupported_media_type: 'bad_request',
  invalid_frame: 'bad_request',
  unknown_type: 'bad_request',
  private_conversation: 'conflict',
  already_participant: 'conflict',
  creator_cannot_leave: 'conflict',
};

/**
 * The words for an error code in the given strings: a known code directly, an
 * `http_<status>` by its status, anything else through `errorUnknown`. The raw
 * detail of an error belongs in a tooltip or the console, never in the text.
 *
 * @example
 * ```ts
 * chatErrorText(ruStrings, 'rate_limited'); // 'Слишком много запросов — подождите немного'
 * chatErrorText(ruStrings, 'http_503'); // 'Сервер работает с перебоями — попробуйте позже'
 * ```
 */
export function chatErrorText(strings: ChatStrings, code: string | null | undefined): string {
  if (!code) return strings.errors.network;
  const known = code in strings.errors ? (code as ChatErrorCode) : aliases[code];
  if (known) return strings.errors[known];
  const status = /^http_(\d{3})$/.exec(code);
  if (status) {
    const number = Number(status[1]);
    const mapped = statusCodes[number];
    if (mapped) return strings.errors[mapped];
    if (number >= 500) return strings.errors.server_error;
  }
  return strings.errorUnknown(code);
}

/**
 * The error code for a WebSocket close code: 4401 an expired or refused
 * token, 4403 no access, 4404 no such conversation, anything else the network.
 *
 * @example
 * ```ts
 * closeCodeError(4404); // 'not_found'
 * ```
 */
export function closeCodeError(code: number | null | undefined): ChatErrorCode {
  if (code === 4401) return 'not_authenticated';
  if (code === 4403) return 'forbidden';
  if (code === 4404) return 'not_found';
  return 'network';
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
  searchLabel: 'Поиск по беседам и сообщениям',
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
  jumpToQuoted: 'Перейти к исходному сообщению:',
  newMessages: (count) =>
    `${count} ${ru(count, ['новое сообщение', 'новых сообщения', 'новых сообщений'])}`,
  jumpToLatest: 'К последним сообщениям',
  announceNewMessage: (name, text) => `Новое сообщение от ${name}: ${text}`,
  announceUnreadOnOpen: (count) =>
    `${count} ${ru(count, ['новое сообщение', 'новых сообщения', 'новых сообщений'])}, показаны с первого непрочитанного`,

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
  noticeHints: {
    send_failed: 'Оно осталось в беседе: отправьте его снова или удалите.',
    edit_failed: 'Попробуйте изменить его ещё раз.',
    delete_failed: 'Попробуйте удалить его ещё раз.',
    history_failed: 'Проверьте соединение; в беседе можно нажать «Повторить».',
    catch_up_failed: 'Часть новых сообщений пока не видна; в беседе можно нажать «Повторить».',
    connection_failed: 'Нажмите «Переподключиться» в заголовке беседы.',
    server_error: 'Попробуйте ещё раз чуть позже.',
    auth_expired: 'Чат продолжит работу, когда вы войдёте.',
    request_failed: 'Проверьте соединение и попробуйте ещё раз.',
  },
  errors: {
    validation_error: 'Сервер не принял сообщение: проверьте текст',
    bad_request: 'Сервер не понял запрос',
    invalid_json: 'Сервер не понял запрос',
    body_required: 'Сервер не понял запрос',
    body_too_large: 'Слишком большой запрос',
    frame_too_large: 'Сообщение слишком большое для отправки',
    rate_limited: 'Слишком много запросов — подождите немного',
    not_found: 'Не найдено: возможно, это удалили',
    forbidden: 'Нет доступа',
    conflict: 'Это действие сейчас невозможно',
    client_id_conflict: 'Сообщение уже было отправлено раньше',
    invalid_cursor: 'Не удалось загрузить эту часть истории',
    not_authenticated: 'Сессия истекла — войдите снова',
    token_expired: 'Сессия истекла — войдите снова',
    token_invalid: 'Сессия недействительна — войдите снова',
    invalid_credentials: 'Неверное имя пользователя или пароль',
    internal_error: 'Ошибка на сервере — попробуйте позже',
    server_error: 'Сервер работает с перебоями — попробуйте позже',
    fetch_error: 'Нет связи с сервером',
    timeout_error: 'Сервер не ответил вовремя',
    parsing_error: 'Сервер прислал непонятный ответ',
    network: 'Нет связи с сервером',
  },
  errorUnknown: (code) => `Ошибка (${code})`,
  failedBecause: (reason) => `Не отправлено: ${reason}`,
  failedElsewhere: (reason) =>
    `Не отправлено из другой вкладки: ${reason}. Повторить или отменить можно там`,

  withShortcut: (label, key) => `${label} (${key})`,
  messagesKeyboardHint:
    'Стрелки вверх и вниз — переход по сообщениям. R — ответить, E — изменить, Delete — удалить.',
  gapLoading: 'Часть сообщений ещё загружается…',
  gapNotLoaded: 'Здесь загружены не все сообщения',
  messageFocused: 'Найденное сообщение',

  syncCatchingUp: 'Загружаем пропущенные сообщения…',
  syncRetrying: (seconds) =>
    seconds === null
      ? 'Не удалось загрузить сообщения. Повторим попытку…'
      : `Не удалось загрузить сообщения. Повтор через ${seconds} с`,
  syncFailed: 'Не удалось загрузить сообщения',
  syncReason: (reason) => `Причина: ${reason}`,

  charactersOver: (count) => `Лишних ${count} ${ru(count, ['символ', 'символа', 'символов'])}`,
  willSendInParts: (parts, max) =>
    `Сообщение длиннее ${max} символов — оно уйдёт ${parts} ${ru(parts, ['сообщением', 'сообщениями', 'сообщениями'])} по порядку`,
  editTooLong: (max) => `Изменённое сообщение не может быть длиннее ${max} символов`,
  sendInParts: (parts) =>
    `Отправить ${parts} ${ru(parts, ['сообщением', 'сообщениями', 'сообщениями'])}`,

  listLoadFailed: 'Не удалось загрузить беседы',
  listRefreshFailed: 'Не удалось обновить список бесед',

  searchConversationsHeading: 'Беседы',
  searchMessagesHeading: 'Сообщения',
  searchingMessages: 'Ищем в сообщениях…',
  noMessageResults: 'В сообщениях ничего не найдено',
  searchLoadedOnly:
    'Сервер не умеет искать по сообщениям — показаны совпадения только среди загруженных',
  searchFailedLoadedOnly: (reason) =>
    `Поиск на сервере не удался (${reason}) — показаны совпадения среди загруженных сообщений`,
  searchMoreResults: (count) =>
    `Показаны ${count} ${ru(count, ['последнее совпадение', 'последних совпадения', 'последних совпадений'])}; уточните запрос, чтобы найти остальные`,
  searchResultsCount: (count) =>
    count === 0
      ? 'Ничего не найдено'
      : `Найдено: ${count} ${ru(count, ['сообщение', 'сообщения', 'сообщений'])}`,
  searchResultIn: (conversation) => `в беседе «${conversation}»`,

  unreadCount: (count) =>
    `${count} ${ru(count, ['непрочитанное', 'непрочитанных', 'непрочитанных'])}`,
  typing: (names) =>
    names.length === 1
      ? `${names[0]} печатает…`
      : names.length === 2
        ? `${names[0]} и ${names[1]} печатают…`
        : `${names.length} ${ru(names.length, ['человек', 'человека', 'человек'])} печатают…`,
  online: 'в сети',
  lastSeen: (when) => `был(а) в сети ${when}`,
  onlineCount: (count) => `${count} в сети`,
  newMessagesDivider: 'Новые сообщения',
  receiptSent: 'Отправлено',
  receiptDelivered: 'Доставлено',
  receiptRead: 'Прочитано',
  notificationTitle: (sender, conversation) =>
    conversation ? `${sender} в «${conversation}»` : sender,
};

/**
 * One language's complete set, as `ChatLocaleProvider` takes it: Russian
 * is {@link ruLocale} (bundled), English `enLocale` of
 * `unet-chat-redux/react/locales/en`; a host's own language is one more.
 *
 * @example
 * ```ts
 * const kyrgyz: ChatLanguagePack = { language: 'ky', strings: kyStrings, dateLocale: 'ky-KG' };
 * ```
 */
export interface ChatLanguagePack {
  /** The language's tag, e.g. `'ru'` (the shipped ones are the {@link ChatLanguage}s). */
  language: string;
  strings: ChatStrings;
  /** BCP 47 tag for `Intl` date formatting in that language, e.g. `'ru-RU'`. */
  dateLocale: string;
}

/**
 * Russian, the default language of every component.
 *
 * @example
 * ```tsx
 * <ChatLocaleProvider locale={ruLocale} timeZone="Asia/Bishkek" />
 * ```
 */
export const ruLocale: ChatLanguagePack = {
  language: 'ru',
  strings: ruStrings,
  dateLocale: 'ru-RU',
};

/**
 * The BCP 47 tag of each shipped language's dates (the packs carry theirs as `dateLocale`).
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
