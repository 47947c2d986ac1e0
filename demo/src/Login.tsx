import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ChatLanguage } from 'unet-chat-redux/react';
import { DEMO_PASSWORD, DEMO_USERS } from '../../server/demoUsers';
import { login } from './auth';
import type { AuthData } from './auth';
import { text } from './text';

interface LoginProps {
  language: ChatLanguage;
  expired: boolean;
  onLoggedIn: (auth: AuthData) => void;
}

/** The demo's stand-in for the host app's login: the seeded users, password `demo`. */
export function Login({ language, expired, onLoggedIn }: LoginProps) {
  const t = text[language];
  const [username, setUsername] = useState<string>(DEMO_USERS[0]?.username ?? '');
  const [password, setPassword] = useState(DEMO_PASSWORD);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await login(username, password));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="login" onSubmit={(event) => void submit(event)}>
      <h1>{t.title}</h1>
      <p className="login__intro">{t.intro}</p>
      {expired && (
        <p className="login__error" role="alert">
          {t.expired}
        </p>
      )}
      <fieldset className="login__users">
        <legend>{t.as}</legend>
        {DEMO_USERS.map((user) => (
          <label key={user.id} className="login__user" data-username={user.username}>
            <input
              type="radio"
              name="username"
              value={user.username}
              checked={username === user.username}
              onChange={() => setUsername(user.username)}
            />
            <span className="login__avatar" aria-hidden="true">
              {user.full_name.charAt(0)}
            </span>
            <span>
              <strong>{user.full_name}</strong>
              <small>@{user.username}</small>
            </span>
          </label>
        ))}
      </fieldset>
      <label className="login__password">
        {t.password}
        <input
          type="password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          autoComplete="current-password"
        />
      </label>
      {error && (
        <p className="login__error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="login__submit" disabled={busy}>
        {t.signIn}
      </button>
    </form>
  );
}
