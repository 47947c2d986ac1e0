import { createContext, useContext, useMemo } from 'react';
import type { ReactNode } from 'react';
import { chatStrings, defaultDateLocale } from './strings';
import type { ChatLanguage, ChatStrings } from './strings';

/** What the components read from `ChatLocaleProvider`. */
export interface ChatLocale {
  language: ChatLanguage;
  strings: ChatStrings;
  /** BCP 47 tag for `Intl` date formatting. */
  dateLocale: string;
  /** IANA zone for dates; `undefined` is the reader's own zone. */
  timeZone: string | undefined;
}

const defaultLocale: ChatLocale = {
  language: 'ru',
  strings: chatStrings.ru,
  dateLocale: defaultDateLocale.ru,
  timeZone: undefined,
};

const ChatLocaleContext = createContext<ChatLocale>(defaultLocale);

/** Props of {@link ChatLocaleProvider}. */
export interface ChatLocaleProviderProps {
  /** UI language; `'ru'` when omitted. */
  language?: ChatLanguage;
  /** Individual strings to replace, on top of the language's set. */
  strings?: Partial<ChatStrings>;
  /**
   * BCP 47 tag for dates, e.g. `navigator.language`; defaults to the UI language
   * (`ru-RU` or `en-US`) so dates and labels speak the same language.
   */
  dateLocale?: string;
  /** IANA time zone for dates; the reader's own zone when omitted. */
  timeZone?: string;
  children?: ReactNode;
}

/**
 * Chooses the language of every chat component below it and lets the host
 * replace single strings. Without a provider the components speak Russian.
 *
 * @example
 * ```tsx
 * <ChatLocaleProvider language="en" strings={{ send: 'Post' }}>
 *   <ChatContainer />
 * </ChatLocaleProvider>
 * ```
 */
export function ChatLocaleProvider({
  language = 'ru',
  strings,
  dateLocale,
  timeZone,
  children,
}: ChatLocaleProviderProps) {
  const value = useMemo<ChatLocale>(
    () => ({
      language,
      strings: strings ? { ...chatStrings[language], ...strings } : chatStrings[language],
      dateLocale: dateLocale ?? defaultDateLocale[language],
      timeZone,
    }),
    [language, strings, dateLocale, timeZone],
  );
  return <ChatLocaleContext.Provider value={value}>{children}</ChatLocaleContext.Provider>;
}

/**
 * The UI strings of the nearest `ChatLocaleProvider` (Russian without one).
 *
 * @example
 * ```tsx
 * const strings = useChatStrings();
 * return <button>{strings.send}</button>;
 * ```
 */
export function useChatStrings(): ChatStrings {
  return useContext(ChatLocaleContext).strings;
}

/**
 * The whole locale: language, strings, date locale and time zone.
 *
 * @example
 * ```tsx
 * const { dateLocale, timeZone } = useChatLocale();
 * ```
 */
export function useChatLocale(): ChatLocale {
  return useContext(ChatLocaleContext);
}
