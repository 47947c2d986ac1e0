/**
 * Renders a docs example of docs/customization.md inside a host store made
 * with the package's testing entry: a fake server, memory sockets, a manual
 * clock, and jsdom given a layout (mockChatLayout) so the message list renders.
 */
import { configureStore } from '@reduxjs/toolkit';
import { act, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { Provider } from 'react-redux';
import {
  createTestChat,
  fakeConversation,
  fakeConversationId,
  fakeMessage,
  fakeUser,
  installFetchGlobals,
  mockChatLayout,
} from 'unet-chat-redux/testing';
import type { TestChatOptions } from 'unet-chat-redux/testing';

installFetchGlobals();
let restoreLayout: (() => void) | null = null;
const disposers: Array<() => void> = [];
beforeEach(() => {
  restoreLayout = mockChatLayout();
});
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
  restoreLayout?.();
});

/** Two conversations; the first with a staff member's (user 1) and an applicant's (user 2) messages. */
export const SEED: TestChatOptions = {
  currentUserId: 1,
  users: [fakeUser(1, { full_name: 'Айбек Асанов' }), fakeUser(2, { full_name: 'Айзада Бекова' })],
  conversations: [
    fakeConversation(1, { title: 'Поступление 2026' }),
    fakeConversation(2, { title: 'Общежитие' }),
  ],
  messages: [
    fakeMessage(1, { text: 'Какие документы нужны?', sender_id: 2 }),
    fakeMessage(2, { text: 'Паспорт и аттестат', sender_id: 1 }),
    fakeMessage(3, { text: 'Спасибо!', sender_id: 2 }),
  ],
};

export function renderChat(ui: ReactElement, seed: TestChatOptions = SEED) {
  const test = createTestChat(seed);
  const store = configureStore({
    reducer: { ...test.chat.reducers },
    middleware: (getDefaultMiddleware) =>
      // A shared test machine is slow; the dev checks' timing warnings are noise here.
      getDefaultMiddleware({
        serializableCheck: { warnAfter: 1000 },
        immutableCheck: { warnAfter: 1000 },
      }).concat(test.chat.middleware),
  });
  const view = render(<Provider store={store}>{ui}</Provider>);
  disposers.push(() => {
    view.unmount();
    test.dispose();
  });
  /** Accepts conversation `n`'s socket, so its history loads. */
  const openSocket = async (n: number) => {
    await act(async () => {
      await test.flush();
      test.socketOf(fakeConversationId(n))!.open();
      await test.flush();
    });
  };
  return { ...view, test, store, openSocket, user: userEvent.setup() };
}
