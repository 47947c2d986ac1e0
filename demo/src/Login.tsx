import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { ChatLanguage } from 'unet-chat-redux/react';
import { chatErrorText } from 'unet-chat-redux/react';
import { DEMO_PASSWORD, DEMO_USERS } from '../../server/demoUsers';
import { login, LoginError } from './auth';
import type { AuthData } from './auth';
import { locales } from './locales';
import { text } from './text';

interface LoginProps {
  language: ChatLanguage;
  expired: boolean;
  onLoggedIn: (auth: AuthData) => void;
}

interface Problem {
  /** What the person reads, in their language. */
  message: string;
  /** The server's or the network's own words, for the tooltip and the console. */
  detail?: string;
}

/** The demo's stand-in for the host app's login: the seeded users, password `demo`. */
export function Login({ language, expired, onLoggedIn }: LoginProps) {
  const t = text[language];
  const passwordId = useId();
  const errorId = useId();
  const [username, setUsername] = useState<string>(DEMO_USERS[0]?.username ?? '');
  const [password, setPassword] = useState(DEMO_PASSWORD);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // Checked here first: an empty password never reaches the server.
    if (password === '') {
      setProblem({ message: t.passwordRequired });
      document.getElementById(passwordId)?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      onLoggedIn(await login(username, password));
    } catch (failure) {
      const code = failure instanceof LoginError ? failure.code : 'fetch_error';
      const detail = failure instanceof Error ? failure.message : String(failure);
      console.warn('Sign-in failed:', detail);
      setProblem({ message: chatErrorText(locales[language].strings, code), detail });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="login" onSubmit={(event) => void submit(event)} noValidate>
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
      <label className="login__password" htmlFor={passwordId}>
        {t.password}
      </label>
      <input
        id={passwordId}
        className="login__password-field"
        type="password"
        value={password}
        required
        aria-invalid={problem !== null && password === '' ? true : undefined}
        aria-describedby={problem ? errorId : undefined}
        onChange={(event) => {
          setPassword(event.target.value);
          setProblem(null);
        }}
        autoComplete="current-password"
      />
      {problem && (
        <p id={errorId} className="login__error" role="alert" title={problem.detail}>
          {problem.message}
        </p>
      )}
      <button type="submit" className="login__submit" disabled={busy}>
        {t.signIn}
      </button>
    </form>
  );
}
