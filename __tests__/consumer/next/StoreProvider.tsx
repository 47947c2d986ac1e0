// example: next-provider
// app/StoreProvider.tsx
'use client';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { Provider } from 'react-redux';
import { Toaster } from 'sonner';
import type { ChatStoreState } from 'unet-chat-redux';
import { makeStore } from './store';

export function StoreProvider({
  preloadedState,
  children,
}: {
  preloadedState?: ChatStoreState;
  children: ReactNode;
}) {
  // Created once per mount: never a module-level store, which the server would share between requests.
  const [{ store, chat }] = useState(() => makeStore(preloadedState));
  useEffect(() => () => chat.dispose(), [chat]);
  return (
    <Provider store={store}>
      <Toaster />
      {children}
    </Provider>
  );
}
// end example
