/** @jest-environment jsdom */
import { act, renderHook } from '@testing-library/react';
import { conversationViewed } from 'unet-chat-redux';
import { useDesktopNotifications } from 'unet-chat-redux/react';
import {
  REFRESH_MS,
  STALE_MS,
  recordViewing,
  viewedInAnotherTab,
} from '../../../src/react/hooks/viewingRecord';
import { CONVERSATION, OTHER_CONVERSATION, createHarness, historyMessage } from './harness';
import type { Harness } from './harness';

/**
 * Desktop notifications with several tabs of one person in one browser: a
 * tab shows none for a conversation that another tab has in view. The tabs
 * here are two stores in one jsdom page: they share its localStorage, as the
 * tabs of a browser do (jsdom has no Web Locks: the claim is the record's).
 */

const shown: string[] = [];
class RecordingNotification {
  static permission: NotificationPermission = 'granted';
  static requestPermission = async () => 'granted' as const;
  onclick: (() => void) | null = null;
  constructor(title: string, options?: NotificationOptions) {
    shown.push(`${title}|${options?.body ?? ''}`);
  }
  close() {}
}

beforeEach(() => {
  shown.length = 0;
  localStorage.clear();
  Object.defineProperty(window, 'Notification', {
    value: RecordingNotification,
    configurable: true,
    writable: true,
  });
});
afterEach(() => {
  Reflect.deleteProperty(window, 'Notification');
});

/** A tab: a store with its conversations' sockets open, and the hook on. */
async function openTab() {
  const harness = createHarness({ messages: [historyMessage(1)] });
  await harness.loadConversations();
  renderHook(() => useDesktopNotifications({ enabled: true }), { wrapper: harness.Wrapper });
  return harness;
}

/** The conversation's socket in `tab`, open (subscribed as a list's preview would be). */
async function liveSocket(tab: Harness, conversationId: string) {
  const { subscribeToConversation } = await import('unet-chat-redux');
  act(() => {
    tab.store.dispatch(subscribeToConversation(conversationId));
  });
  return tab.acceptSocket(conversationId);
}

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

describe('useDesktopNotifications across tabs', () => {
  it('a tab shows none for a conversation another tab has in view, and does once that tab looks away', async () => {
    const viewer = await openTab();
    const other = await openTab();
    const socket = await liveSocket(other, CONVERSATION);
    act(() => {
      viewer.store.dispatch(conversationViewed({ conversationId: CONVERSATION, viewing: true }));
    });

    other.push(socket, {
      type: 'message:new',
      payload: historyMessage(2, { text: 'Пока ты смотришь' }),
    });
    await settle();
    expect(shown).toEqual([]);

    act(() => {
      viewer.store.dispatch(conversationViewed({ conversationId: CONVERSATION, viewing: false }));
    });
    other.push(socket, { type: 'message:new', payload: historyMessage(3, { text: 'Теперь' }) });
    await settle();
    expect(shown).toEqual(['Пользователь #2 в «Приёмная комиссия»|Теперь']);
  });

  it('another conversation in view elsewhere silences nothing', async () => {
    const viewer = await openTab();
    const other = await openTab();
    const socket = await liveSocket(other, CONVERSATION);
    act(() => {
      viewer.store.dispatch(
        conversationViewed({ conversationId: OTHER_CONVERSATION, viewing: true }),
      );
    });
    other.push(socket, { type: 'message:new', payload: historyMessage(2, { text: 'Привет' }) });
    await settle();
    expect(shown).toEqual(['Пользователь #2 в «Приёмная комиссия»|Привет']);
  });

  it('a tab keeps its entry fresh for as long as it has the conversation in view', async () => {
    // The clock of the hook's refresh timer and of the record's times.
    jest.useFakeTimers({
      now: Date.now(),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
    try {
      const viewer = await openTab();
      act(() => {
        viewer.store.dispatch(conversationViewed({ conversationId: CONVERSATION, viewing: true }));
      });
      act(() => jest.advanceTimersByTime(5 * STALE_MS));
      expect(viewedInAnotherTab(localStorage, 'someone else', 1, CONVERSATION, Date.now())).toBe(
        true,
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('a tab that closes takes its entry with it', async () => {
    const viewer = await openTab();
    act(() => {
      viewer.store.dispatch(conversationViewed({ conversationId: CONVERSATION, viewing: true }));
    });
    expect(viewedInAnotherTab(localStorage, 'someone else', 1, CONVERSATION, Date.now())).toBe(
      true,
    );
    act(() => window.dispatchEvent(new Event('pagehide')));
    expect(viewedInAnotherTab(localStorage, 'someone else', 1, CONVERSATION, Date.now())).toBe(
      false,
    );
  });
});

describe('the record of what each tab has in view', () => {
  beforeEach(() => localStorage.clear());

  it('names the conversations of other tabs of the same person only', () => {
    const now = 1_000_000;
    recordViewing(localStorage, 'tab-a', 1, ['c1', 'c2'], now);
    expect(viewedInAnotherTab(localStorage, 'tab-b', 1, 'c1', now)).toBe(true);
    expect(viewedInAnotherTab(localStorage, 'tab-b', 1, 'c3', now)).toBe(false);
    // Its own entry does not count, nor another person's.
    expect(viewedInAnotherTab(localStorage, 'tab-a', 1, 'c1', now)).toBe(false);
    expect(viewedInAnotherTab(localStorage, 'tab-b', 2, 'c1', now)).toBe(false);
    // Nothing in view: the entry goes.
    recordViewing(localStorage, 'tab-a', 1, [], now);
    expect(viewedInAnotherTab(localStorage, 'tab-b', 1, 'c1', now)).toBe(false);
    expect(localStorage.getItem('unet-chat-redux:viewing')).toBeNull();
  });

  it('ignores the entry of a tab that stopped refreshing it, and drops it on the next write', () => {
    recordViewing(localStorage, 'tab-a', 1, ['c1'], 0);
    expect(REFRESH_MS).toBeLessThan(STALE_MS);
    expect(viewedInAnotherTab(localStorage, 'tab-b', 1, 'c1', STALE_MS)).toBe(true);
    expect(viewedInAnotherTab(localStorage, 'tab-b', 1, 'c1', STALE_MS + 1)).toBe(false);
    recordViewing(localStorage, 'tab-b', 1, ['c2'], STALE_MS + 1);
    expect(
      Object.keys(JSON.parse(localStorage.getItem('unet-chat-redux:viewing') ?? '{}')),
    ).toEqual(['tab-b']);
  });

  it('a damaged record or entry is not trusted: it silences nothing, and nothing throws', () => {
    localStorage.setItem('unet-chat-redux:viewing', '{not json');
    expect(viewedInAnotherTab(localStorage, 'tab-b', 1, 'c1', 0)).toBe(false);
    localStorage.setItem(
      'unet-chat-redux:viewing',
      JSON.stringify({ 'tab-a': { user: 1, conversations: 'c1', at: 0 } }),
    );
    expect(viewedInAnotherTab(localStorage, 'tab-b', 1, 'c1', 0)).toBe(false);
    recordViewing(localStorage, 'tab-c', 1, ['c1'], 0);
    expect(viewedInAnotherTab(localStorage, 'tab-b', 1, 'c1', 0)).toBe(true);
  });

  it('storage that refuses writes loses nothing: the other tabs notify as before', () => {
    const setItem = jest.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new Error('QuotaExceededError');
    });
    expect(() => recordViewing(localStorage, 'tab-a', 1, ['c1'], 0)).not.toThrow();
    expect(viewedInAnotherTab(localStorage, 'tab-b', 1, 'c1', 0)).toBe(false);
    setItem.mockRestore();
  });
});
