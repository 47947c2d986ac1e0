import { configureStore } from '@reduxjs/toolkit';
import {
  createChat,
  createMemoryTransport,
  persistToStorage,
  subscribeToConversation,
} from 'unet-chat-redux';
import type { ChatOptions, KeyValueStorage } from 'unet-chat-redux';
import { shareAcrossTabs } from 'unet-chat-redux/tabs';
import { createFakeFetch } from '../support/fakeFetch';

/**
 * Optional features are imports passed to createChat (0.2.0): the options
 * they replaced fail at once with an error naming the import, instead of
 * silently doing nothing; the new ones are wired in.
 */
describe('optional features of createChat', () => {
  it('rejects the old shareAcrossTabs option, naming unet-chat-redux/tabs', () => {
    const old = { socket: { shareAcrossTabs: true } } as unknown as ChatOptions;
    expect(() => createChat(old)).toThrow(
      /import \{ shareAcrossTabs \} from 'unet-chat-redux\/tabs'.*share: shareAcrossTabs\(\)/,
    );
    const withScope = {
      socket: { shareAcrossTabs: { scope: () => 'x' } },
    } as unknown as ChatOptions;
    expect(() => createChat(withScope)).toThrow(/unet-chat-redux\/tabs/);
  });

  it('still accepts shareAcrossTabs: false', () => {
    const chat = createChat({ socket: { shareAcrossTabs: false } });
    chat.dispose();
  });

  it('rejects a persistence options object, naming persistToStorage', () => {
    const storage: KeyValueStorage = {
      getItem: () => null,
      setItem: () => undefined,
      removeItem: () => undefined,
    };
    const old = { persistence: { storage } } as unknown as ChatOptions;
    expect(() => createChat(old)).toThrow(
      /import \{ persistToStorage \} from 'unet-chat-redux'.*persistToStorage\(\{ storage/,
    );
  });

  it('rejects a socket.share that is not a sharing feature', () => {
    const wrong = { socket: { share: true } } as unknown as ChatOptions;
    expect(() => createChat(wrong)).toThrow(/shareAcrossTabs\(\)` from 'unet-chat-redux\/tabs'/);
  });

  it('wraps the socket factory with socket.share when the first socket opens, and disposes it', async () => {
    const transport = createMemoryTransport();
    const wrapped: string[] = [];
    let disposed = 0;
    const chat = createChat({
      baseUrl: 'http://chat.test',
      getAccessToken: () => 'token',
      getCurrentUserId: () => 1,
      fetchFn: createFakeFetch(() => ({ status: 200, body: [] })).fetchFn,
      socket: {
        factory: transport.factory,
        stream: 'never',
        share: {
          feature: 'test',
          wrap: (_runtime, inner, addCleanup) => {
            addCleanup(() => (disposed += 1));
            return (url, handlers) => {
              wrapped.push(url);
              return inner(url, handlers);
            };
          },
        },
      },
    });
    const store = configureStore({
      reducer: chat.reducers,
      middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
    });
    store.dispatch(subscribeToConversation('0190c000-0000-7000-8000-0000000000e1'));
    expect(wrapped).toHaveLength(1);
    expect(transport.sockets).toHaveLength(1);
    chat.dispose();
    expect(disposed).toBe(1);
  });

  it('shareAcrossTabs() and persistToStorage() are features createChat takes', () => {
    const chat = createChat({
      persistence: persistToStorage(),
      socket: { share: shareAcrossTabs() },
    });
    expect(shareAcrossTabs().feature).toBe('shareAcrossTabs');
    expect(persistToStorage().feature).toBe('persistToStorage');
    chat.dispose();
  });
});
