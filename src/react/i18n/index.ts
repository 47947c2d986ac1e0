export { ChatLocaleProvider, useChatLocale, useChatStrings } from './context';
export {
  chatErrorText,
  chatStrings,
  closeCodeError,
  defaultDateLocale,
  enStrings,
  ruStrings,
} from './strings';

export type { ChatLocale, ChatLocaleProviderProps } from './context';
export type { ChatErrorCode, ChatLanguage, ChatStrings } from './strings';
