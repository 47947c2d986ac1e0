import { useEffect, useState } from 'react';
import { Toaster } from 'sonner';
import { selectAuthExpired } from 'unet-chat-redux';
import type { ChatLanguage } from 'unet-chat-redux/react';
import { ChatContainer, ChatLocaleProvider, useChatSelector } from 'unet-chat-redux/react';
import { locales } from './locales';
import { currentAuth, logout } from './auth';
import type { AuthData } from './auth';
import { HeaderMenu } from './HeaderMenu';
import { Login } from './Login';
import { text } from './text';
import { applyTheme, storedTheme } from './theme';
import type { ThemeChoice } from './theme';
import { useConversationInUrl } from './url';
import { UnreadBadge, WorkspaceExtras } from './Workspace';

const LANGUAGE_KEY = 'unet-chat-demo-language';

function storedLanguage(): ChatLanguage {
  return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'ru';
}

export function App() {
  const [auth, setAuth] = useState<AuthData | null>(currentAuth);
  const [language, setLanguage] = useState<ChatLanguage>(storedLanguage);
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  const [conversationId, openConversation] = useConversationInUrl();
  const expired = useChatSelector(selectAuthExpired);
  const t = text[language];
  // Once the session has expired, nobody is signed in any more: no name, no "sign out".
  const signedIn = auth !== null && !expired;

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  useEffect(() => applyTheme(theme), [theme]);

  const switchLanguage = (next: ChatLanguage) => {
    localStorage.setItem(LANGUAGE_KEY, next);
    setLanguage(next);
  };
  const signOut = () => {
    logout();
    // A fresh page gives the next person a fresh store.
    window.location.reload();
  };

  return (
    <ChatLocaleProvider locale={locales[language]}>
      <Toaster
        richColors
        position="top-right"
        closeButton
        theme={theme === 'auto' ? 'system' : theme}
      />
      <div className="demo">
        <header className="demo__bar">
          <span className="demo__brand">unet-chat</span>
          {signedIn && <UnreadBadge />}
          <span className="demo__spacer" />
          {signedIn && <WorkspaceExtras t={t} onOpen={openConversation} />}
          <HeaderMenu label={t.settings}>
            <div className="demo__switch" role="group" aria-label={t.theme}>
              {(['auto', 'light', 'dark'] as const).map((choice) => (
                <button
                  key={choice}
                  type="button"
                  aria-pressed={theme === choice}
                  title={t.themes[choice]}
                  onClick={() => setTheme(choice)}
                >
                  <span aria-hidden="true">
                    {choice === 'auto' ? '◐' : choice === 'light' ? '☀' : '☾'}
                  </span>
                  <span className="demo__hidden">{t.themes[choice]}</span>
                </button>
              ))}
            </div>
            <div className="demo__switch" role="group" aria-label={t.language}>
              {(['ru', 'en'] as const).map((code) => (
                <button
                  key={code}
                  type="button"
                  lang={code}
                  aria-pressed={language === code}
                  title={code === 'ru' ? 'Русский' : 'English'}
                  onClick={() => switchLanguage(code)}
                >
                  {code.toUpperCase()}
                </button>
              ))}
            </div>
          </HeaderMenu>
          {signedIn && (
            <>
              <span className="demo__user" data-testid="current-user" title={auth.user.full_name}>
                {auth.user.full_name}
              </span>
              <button type="button" className="demo__logout" onClick={signOut}>
                {t.logout}
              </button>
            </>
          )}
        </header>
        <main className="demo__main">
          {signedIn ? (
            <ChatContainer
              selectedConversationId={conversationId}
              onSelectConversation={openConversation}
            />
          ) : (
            <Login
              language={language}
              expired={expired}
              onLoggedIn={(data) => (expired ? window.location.reload() : setAuth(data))}
            />
          )}
        </main>
      </div>
    </ChatLocaleProvider>
  );
}
