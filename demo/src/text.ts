import type { ChatLanguage } from 'unet-chat-redux/react';
import type { ThemeChoice } from './theme';

export interface DemoText {
  language: string;
  theme: string;
  themes: Record<ThemeChoice, string>;
  logout: string;
  title: string;
  intro: string;
  password: string;
  passwordRequired: string;
  signIn: string;
  expired: string;
  as: string;
  notifications: string;
  notificationsBlocked: string;
  /** The phone header's menu button: theme and language. */
  settings: string;
}

/** The demo page's own words (the chat's are the package's). */
export const text: Record<ChatLanguage, DemoText> = {
  ru: {
    language: 'Язык',
    theme: 'Тема',
    themes: { auto: 'Как в системе', light: 'Светлая', dark: 'Тёмная' },
    logout: 'Выйти',
    title: 'Вход в демо-чат',
    intro:
      'Выберите пользователя. Откройте вторую вкладку и войдите другим — и переписывайтесь в реальном времени.',
    password: 'Пароль',
    passwordRequired: 'Введите пароль',
    signIn: 'Войти',
    expired: 'Сессия истекла — войдите снова.',
    as: 'Войти как',
    notifications: 'Уведомления на рабочем столе',
    notificationsBlocked: 'Уведомления запрещены в настройках браузера',
    settings: 'Тема и язык',
  },
  en: {
    language: 'Language',
    theme: 'Theme',
    themes: { auto: 'As the system', light: 'Light', dark: 'Dark' },
    logout: 'Sign out',
    title: 'Sign in to the demo chat',
    intro: 'Pick a user. Open a second tab, sign in as someone else, and chat in real time.',
    password: 'Password',
    passwordRequired: 'Enter the password',
    signIn: 'Sign in',
    expired: 'Your session expired — please sign in again.',
    as: 'Sign in as',
    notifications: 'Desktop notifications',
    notificationsBlocked: 'Notifications are blocked in the browser settings',
    settings: 'Theme and language',
  },
};
