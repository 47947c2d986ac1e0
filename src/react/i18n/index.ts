export { ChatLocaleProvider, useChatLocale, useChatStrings } from './context';
export { chatErrorText, closeCodeError, defaultDateLocale, ruLocale, ruStrings } from './strings';

export type { ChatLocale, ChatLocaleProviderProps } from './context';
export type { ChatErrorCode, ChatLanguage, ChatLanguagePack, ChatStrings } from './strings';
