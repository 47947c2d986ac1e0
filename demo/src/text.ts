import type { ChatLanguage } from 'unet-chat-redux/react';

/** The demo page's own words (the chat's are the package's). */
export const text: Record<
  ChatLanguage,
  Record<
    'language' | 'logout' | 'title' | 'intro' | 'password' | 'signIn' | 'expired' | 'as',
    string
  >
> = {
  ru: {
    language: 'Язык',
    logout: 'Выйти',
    title: 'Вход в демо-чат',
    intro:
      'Выберите пользователя. Откройте вторую вкладку и войдите другим — и переписывайтесь в реальном времени.',
    password: 'Пароль',
    signIn: 'Войти',
    expired: 'Сессия истекла — войдите снова.',
    as: 'Войти как',
  },
  en: {
    language: 'Language',
    logout: 'Sign out',
    title: 'Sign in to the demo chat',
    intro: 'Pick a user. Open a second tab, sign in as someone else, and chat in real time.',
    password: 'Password',
    signIn: 'Sign in',
    expired: 'Your session expired — please sign in again.',
    as: 'Sign in as',
  },
};
