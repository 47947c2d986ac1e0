/**
 * Which conversations the person has in view in the tabs of this browser, so
 * that no other tab shows a desktop notification for a message they are
 * looking at. Each tab keeps its own entry in one localStorage record,
 * written when what it has in view changes and refreshed while it has
 * something in view; an entry not refreshed for {@link STALE_MS} is ignored
 * (a tab that closed or crashed without removing it).
 *
 * ```
 *   "unet-chat-redux:viewing": { "<tab id>": { "user": 1, "conversations": ["c1"], "at": 1764…} }
 * ```
 *
 * Without localStorage (blocked storage) nothing is recorded, and every tab
 * notifies as if it were alone.
 */

const STORAGE_KEY = 'unet-chat-redux:viewing';
/** How often a tab with a conversation in view refreshes its entry. */
export const REFRESH_MS = 10_000;
/** An entry older than this is a tab that is gone. */
export const STALE_MS = 3 * REFRESH_MS;

interface TabEntry {
  user: number | null;
  conversations: string[];
  at: number;
}

type ViewingRecord = Record<string, TabEntry>;

function isEntry(value: unknown): value is TabEntry {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Partial<TabEntry>;
  return (
    (entry.user === null || typeof entry.user === 'number') &&
    Array.isArray(entry.conversations) &&
    entry.conversations.every((id) => typeof id === 'string') &&
    typeof entry.at === 'number'
  );
}

function read(storage: Storage): ViewingRecord {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}');
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    // A damaged entry is dropped, not trusted: it would silence notifications.
    return Object.fromEntries(Object.entries(parsed).filter(([, entry]) => isEntry(entry)));
  } catch {
    return {};
  }
}

/**
 * Records what tab `tabId` has in view (none: its entry goes), dropping the
 * entries of tabs that are gone.
 *
 * @example
 * ```ts
 * recordViewing(localStorage, tabId, 1, ['c1'], Date.now());
 * ```
 */
export function recordViewing(
  storage: Storage,
  tabId: string,
  user: number | null,
  conversations: readonly string[],
  now: number,
): void {
  // The other tabs that are still there, and this one if it has anything in view.
  const record: ViewingRecord = Object.fromEntries(
    Object.entries(read(storage)).filter(
      ([id, entry]) => id !== tabId && now - entry.at <= STALE_MS,
    ),
  );
  if (conversations.length > 0)
    record[tabId] = { user, conversations: [...conversations], at: now };
  try {
    if (Object.keys(record).length > 0) storage.setItem(STORAGE_KEY, JSON.stringify(record));
    else storage.removeItem(STORAGE_KEY);
  } catch {
    // Storage full or refused: the other tabs notify as before, nothing is lost.
  }
}

/**
 * Whether another tab of `user` has `conversationId` in view now.
 *
 * @example
 * ```ts
 * if (!viewedInAnotherTab(localStorage, tabId, 1, 'c1', Date.now())) notify();
 * ```
 */
export function viewedInAnotherTab(
  storage: Storage,
  tabId: string,
  user: number | null,
  conversationId: string,
  now: number,
): boolean {
  return Object.entries(read(storage)).some(
    ([id, entry]) =>
      id !== tabId &&
      entry.user === user &&
      now - entry.at <= STALE_MS &&
      entry.conversations.includes(conversationId),
  );
}
