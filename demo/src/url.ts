/**
 * The open conversation lives in the page's URL (`?c=<id>`), so a reload or a
 * shared link opens it again, and Back and Forward move between conversations
 * as between pages. This is the demo's router; a real app hands its own router
 * to `ChatContainer` the same way.
 */
import { useCallback, useSyncExternalStore } from 'react';

const PARAM = 'c';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

function readConversation(): string | null {
  return new URLSearchParams(window.location.search).get(PARAM);
}

/** The conversation in the URL, and a way to open another (a new history entry). */
export function useConversationInUrl(): [string | null, (id: string | null) => void] {
  const current = useSyncExternalStore(subscribe, readConversation, () => null);
  const open = useCallback((id: string | null) => {
    if (id === readConversation()) return;
    const url = new URL(window.location.href);
    if (id === null) url.searchParams.delete(PARAM);
    else url.searchParams.set(PARAM, id);
    window.history.pushState(null, '', url);
    // pushState fires no event of its own; tell the subscribers.
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, []);
  return [current, open];
}
