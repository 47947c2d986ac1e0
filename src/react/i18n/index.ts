export { ChatLocaleProvider, useChatLocale, useChatStrings } from './context';
export { chatStrings, defaultDateLocale, enStrings, ruStrings } from './strings';

export type { ChatLocale, ChatLocaleProviderProps } from './context';
export type { ChatLanguage, ChatStrings } from './strings';
