import { AUTH_DATA_KEY } from 'unet-chat-redux';
import type { ChatUser } from 'unet-chat-redux';

/**
 * The host app's side of authentication, as the seed app does it: the
 * credentials live in `auth_data` ({access, refresh, user}). The demo keeps
 * them in sessionStorage so that two tabs can be two different people.
 */
export interface AuthData {
  access: string;
  refresh: string;
  user: ChatUser;
}

/** A failed sign-in: `code` is the server's (`invalid_credentials`…), `fetch_error` without an answer, else `http_<status>`. */
export class LoginError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'LoginError';
  }
}

export const authStorage: Storage = window.sessionStorage;

export function currentAuth(): AuthData | null {
  try {
    const raw = authStorage.getItem(AUTH_DATA_KEY);
    return raw ? (JSON.parse(raw) as AuthData) : null;
  } catch {
    return null;
  }
}

export async function login(username: string, password: string): Promise<AuthData> {
  let response: Response;
  try {
    response = await fetch('/api/auth/login/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch (failure) {
    throw new LoginError('fetch_error', String(failure));
  }
  const body = (await response.json().catch(() => ({}))) as Partial<AuthData> & {
    detail?: string;
    code?: string;
  };
  if (!response.ok || !body.access || !body.refresh || !body.user) {
    const code = typeof body.code === 'string' ? body.code : `http_${response.status}`;
    throw new LoginError(code, body.detail ?? `HTTP ${response.status}`);
  }
  const data: AuthData = { access: body.access, refresh: body.refresh, user: body.user };
  authStorage.setItem(AUTH_DATA_KEY, JSON.stringify(data));
  return data;
}

/** The seed's `refreshUser()`: trades the refresh token for a new access token. */
export async function refreshUser(): Promise<boolean> {
  const auth = currentAuth();
  if (!auth) return false;
  const response = await fetch('/api/auth/refresh/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh: auth.refresh }),
  });
  if (!response.ok) return false;
  const { access, refresh } = (await response.json()) as { access?: string; refresh?: string };
  if (!access) return false;
  // The server rotates refresh tokens: keep the new one, the old one is used up.
  authStorage.setItem(
    AUTH_DATA_KEY,
    JSON.stringify({ ...auth, access, refresh: refresh ?? auth.refresh }),
  );
  return true;
}

/** Forgets the credentials and revokes the session on the server (`keepalive` outlives a reload). */
export function logout(): void {
  const auth = currentAuth();
  authStorage.removeItem(AUTH_DATA_KEY);
  if (!auth) return;
  void fetch('/api/auth/logout/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh: auth.refresh }),
    keepalive: true,
  }).catch(() => undefined);
}
