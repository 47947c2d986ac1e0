import { createContext, useContext, useMemo } from 'react';
import type { ReactNode } from 'react';
import { ruLocale } from './strings';
import type { ChatLanguage, ChatLanguagePack, ChatStrings } from './strings';

/** What the components read from `ChatLocaleProvider`. */
export interface ChatLocale {
  /** The language's tag (`'ru'` by default). */
  language: string;
  strings: ChatStrings;
  /** BCP 47 tag for `Intl` date formatting. */
  dateLocale: string;
  /** IANA zone for dates; `undefined` is the reader's own zone. */
  timeZone: string | undefined;
}

const defaultLocale: ChatLocale = { ...ruLocale, timeZone: undefined };

const ChatLocaleContext = createContext<ChatLocale>(defaultLocale);

/** Props of {@link ChatLocaleProvider}. */
export interface ChatLocaleProviderProps {
  /**
   * The language: its strings and date locale. Default {@link ruLocale}
   * (Russian, bundled); English is `enLocale` from
   * `unet-chat-redux/react/locales/en`.
   */
  locale?: ChatLanguagePack;
  /**
   * @deprecated Pass `locale` (0.2.0). `'ru'` still works; another language
   * needs its pack imported, and without it the provider throws an error
   * naming the import.
   */
  language?: 'ru';
  /** Individual strings to replace, on top of the language's set. */
  strings?: Partial<ChatStrings>;
  /**
   * BCP 47 tag for dates, e.g. `navigator.language`; defaults to the
   * language's own (`ru-RU`, `en-US`) so dates and labels speak the same language.
   */
  dateLocale?: string;
  /** IANA time zone for dates; the reader's own zone when omitted. */
  timeZone?: string;
  children?: ReactNode;
}

/** The pack a provider speaks: `locale`, else the bundled one `language` names. */
function packOf(locale: ChatLanguagePack | undefined, language: ChatLanguage | undefined) {
  if (locale) return locale;
  // `language` is typed `'ru'`; another value comes from untyped code or a cast.
  if (language === undefined || language === ruLocale.language) return ruLocale;
  throw new Error(
    `unet-chat-redux: <ChatLocaleProvider language="${language}"> needs the language's strings, which the React entry no longer bundles: \`import { ${language}Locale } from 'unet-chat-redux/react/locales/${language}'\` and pass \`locale={${language}Locale}\`. See docs/react.md.`,
  );
}

/**
 * Chooses the language of every chat component below it and lets the host
 * replace single strings. Without a provider the components speak Russian.
 *
 * @example
 * ```tsx
 * import { enLocale } from 'unet-chat-redux/react/locales/en';
 *
 * <ChatLocaleProvider locale={enLocale} strings={{ send: 'Post' }}>
 *   <ChatContainer />
 * </ChatLocaleProvider>
 * ```
 */
export function ChatLocaleProvider({
  locale,
  language,
  strings,
  dateLocale,
  timeZone,
  children,
}: ChatLocaleProviderProps) {
  const pack = packOf(locale, language);
  const value = useMemo<ChatLocale>(
    () => ({
      language: pack.language,
      strings: strings ? { ...pack.strings, ...strings } : pack.strings,
      dateLocale: dateLocale ?? pack.dateLocale,
      timeZone,
    }),
    [pack, strings, dateLocale, timeZone],
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
