/**
 * One desktop notification per message across the tabs of one browser: every
 * tab of the person hears the same message (over the shared socket or a socket
 * of its own), and each would show it. The first tab to claim the message
 * shows it; the others see the claim and stay quiet.
 *
 * The claim is a Web Lock named after the message, taken only if nobody holds
 * it and then held for a while (`HOLD_MS`): tabs hear a message within
 * moments of each other, so the others find it taken. A small record in
 * localStorage backs it up for a tab that comes to it later, and is all there
 * is without Web Locks (localStorage is not kept consistent between tabs at
 * once, so two tabs racing within the same instant could then both show it;
 * the notifications' shared `tag` still merges them on screen). Without
 * localStorage either (blocked storage) every tab shows it, as before.
 */

const STORAGE_KEY = 'unet-chat-redux:notified';
/** Claims kept: enough for any burst the tabs could still be working through. */
const KEPT_CLAIMS = 200;
/** How long the tab that showed a message holds its lock. */
const HOLD_MS = 30_000;

type Claims = Record<string, number>;

function readClaims(storage: Storage): Claims {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}');
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Claims)
      : {};
  } catch {
    // A damaged record is replaced, not trusted.
    return {};
  }
}

/** Claims `key` in `storage`: true when nobody had. */
function claimIn(storage: Storage, key: string): boolean {
  const claims = readClaims(storage);
  if (key in claims) return false;
  claims[key] = Date.now();
  // Keys are not array indices ("user:message"), so entries keep their insertion order: oldest first.
  const kept = Object.entries(claims).slice(-KEPT_CLAIMS);
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(kept)));
  } catch {
    // Storage full or refused: show it rather than lose it.
  }
  return true;
}

/** This page's localStorage, or null where there is none or it is blocked. */
export function localStorageHere(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/**
 * Resolves true in exactly one tab of this browser for `key` (a message, with
 * the user it is shown to), false in the others.
 *
 * @example
 * ```ts
 * if (await claimNotification(`${me}:${message.id}`)) new Notification(title, { body });
 * ```
 */
export async function claimNotification(key: string): Promise<boolean> {
  const storage = localStorageHere();
  if (!storage) return true;
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return claimIn(storage, key);
  return new Promise<boolean>((resolve) => {
    locks
      .request(`${STORAGE_KEY}:${key}`, { ifAvailable: true }, async (lock) => {
        if (!lock) {
          resolve(false);
          return;
        }
        const fresh = claimIn(storage, key);
        resolve(fresh);
        if (fresh) await new Promise((done) => setTimeout(done, HOLD_MS));
      })
      .catch(() => resolve(claimIn(storage, key)));
  });
}
