import { useState } from 'react';
import { Toaster } from 'sonner';
import { selectAuthExpired } from 'unet-chat-redux';
import type { ChatLanguage } from 'unet-chat-redux/react';
import { ChatContainer, ChatLocaleProvider, useChatSelector } from 'unet-chat-redux/react';
import { currentAuth, logout } from './auth';
import type { AuthData } from './auth';
import { Login } from './Login';
import { text } from './text';

const LANGUAGE_KEY = 'unet-chat-demo-language';

export function App() {
  const [auth, setAuth] = useState<AuthData | null>(currentAuth);
  const [language, setLanguage] = useState<ChatLanguage>(
    () => (localStorage.getItem(LANGUAGE_KEY) as ChatLanguage | null) ?? 'ru',
  );
  const expired = useChatSelector(selectAuthExpired);
  const t = text[language];

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
    <ChatLocaleProvider language={language}>
      <Toaster richColors position="top-right" closeButton />
      <div className="demo">
        <header className="demo__bar">
          <span className="demo__brand">unet-chat</span>
          <span className="demo__spacer" />
          <div className="demo__lang" role="group" aria-label={t.language}>
            {(['ru', 'en'] as const).map((code) => (
              <button
                key={code}
                type="button"
                aria-pressed={language === code}
                onClick={() => switchLanguage(code)}
              >
                {code.toUpperCase()}
              </button>
            ))}
          </div>
          {auth && (
            <>
              <span className="demo__user" data-testid="current-user">
                {auth.user.full_name}
              </span>
              <button type="button" className="demo__logout" onClick={signOut}>
                {t.logout}
              </button>
            </>
          )}
        </header>
        <main className="demo__main">
          {auth && !expired ? (
            <ChatContainer />
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
