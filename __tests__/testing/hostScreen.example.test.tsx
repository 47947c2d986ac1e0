/** @jest-environment jsdom */
/**
 * The React example of docs/testing.md, run as it is printed (docs.test.ts
 * checks that the page's code is in this file).
 */
// example: react
import { configureStore } from '@reduxjs/toolkit';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'react-redux';
import { ChatContainer, ChatLocaleProvider } from 'unet-chat-redux/react';
import { enLocale } from 'unet-chat-redux/react/locales/en';
import {
  createTestChat,
  fakeConversation,
  fakeMessage,
  installFetchGlobals,
  mockChatLayout,
} from 'unet-chat-redux/testing';

installFetchGlobals(); // jsdom has no Request/Response; RTK Query needs them
let restoreLayout: () => void;
beforeEach(() => (restoreLayout = mockChatLayout())); // jsdom has no layout either
afterEach(() => restoreLayout());

it('opens a conversation from the list and shows its messages', async () => {
  const test = createTestChat({
    conversations: [fakeConversation(1, { title: 'Admissions' })],
    messages: [fakeMessage(1, { text: 'Documents are accepted until Friday' })],
  });
  const store = configureStore({
    reducer: { ...test.chat.reducers },
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(test.chat.middleware),
  });
  const view = render(
    <Provider store={store}>
      <ChatLocaleProvider locale={enLocale}>
        <ChatContainer />
      </ChatLocaleProvider>
    </Provider>,
  );

  await userEvent.click(await screen.findByRole('button', { name: /^Admissions/ }));
  expect(screen.getByRole('heading', { name: 'Admissions' })).toBeInTheDocument();
  act(() => test.socketOf(fakeConversation(1).id)!.open()); // the server accepts the socket
  expect(await screen.findByText('Documents are accepted until Friday')).toBeInTheDocument();

  view.unmount();
  test.dispose();
});
// end example
