import { ruLocale } from 'unet-chat-redux/react';
import type { ChatLanguage, ChatLanguagePack } from 'unet-chat-redux/react';
import { enLocale } from 'unet-chat-redux/react/locales/en';

/** The demo offers both shipped languages: Russian is in the React entry, English is imported. */
export const locales: Record<ChatLanguage, ChatLanguagePack> = { ru: ruLocale, en: enLocale };
