/**
 * Default access to the seed's credentials: `localStorage["auth_data"]`,
 * a JSON object with the access token in `access` and, in some hosts, the
 * user in `user`. Every read is defensive: no storage (Node, SSR, a sandboxed
 * iframe) or a corrupt value means "no token", never an exception.
 */

/** The part of the Web Storage API the defaults read. */
export interface TokenStorage {
  getItem(key: string): string | null;
}

/** The storage key the seed app writes its credentials to. */
export const AUTH_DATA_KEY = 'auth_data';

function defaultStorage(): TokenStorage | null {
  try {
    return typeof globalThis.localStorage === 'undefined' ? null : globalThis.localStorage;
  } catch {
    // Accessing localStorage throws in some privacy modes.
    return null;
  }
}

function readAuthData(storage: TokenStorage | null): Record<string, unknown> | null {
  if (!storage) return null;
  try {
    const raw = storage.getItem(AUTH_DATA_KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Reads the access token the way the seed does:
 * `JSON.parse(localStorage.getItem("auth_data") || "{}").access`.
 *
 * @example
 * ```ts
 * readStoredAccessToken(); // 'eyJhbGciOi…' or null
 * ```
 */
export function readStoredAccessToken(
  storage: TokenStorage | null = defaultStorage(),
): string | null {
  const access = readAuthData(storage)?.access;
  return typeof access === 'string' && access.length > 0 ? access : null;
}

/**
 * Decodes the payload of a JWT without verifying it (the server verifies;
 * the client only needs its own claims). Returns null for anything malformed.
 */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=');
    const json = decodeURIComponent(
      Array.from(atob(padded), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
    );
    const payload: unknown = JSON.parse(json);
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function asUserId(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

/**
 * The current user's id as the seed's `getCurrentUserId()` finds it: the
 * `user_id` claim of the access token, else `auth_data.user.id`.
 *
 * @example
 * ```ts
 * readStoredUserId(); // 1, or null when nobody is logged in
 * ```
 */
export function readStoredUserId(storage: TokenStorage | null = defaultStorage()): number | null {
  const token = readStoredAccessToken(storage);
  const fromToken = token ? asUserId(decodeJwtPayload(token)?.user_id) : null;
  if (fromToken !== null) return fromToken;
  const user = readAuthData(storage)?.user;
  return user && typeof user === 'object' ? asUserId((user as Record<string, unknown>).id) : null;
}

/** The `user_id` claim of a token, or null. */
export function userIdFromToken(token: string | null): number | null {
  return token ? asUserId(decodeJwtPayload(token)?.user_id) : null;
}
