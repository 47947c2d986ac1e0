import { renderToString } from 'react-dom/server';
import { ChatContainer } from 'unet-chat-redux/react';
import { createFakeChatServer, fakeConversation } from 'unet-chat-redux/testing';
import { loadChatState } from './next/loadChatState';
import ChatPage from './next/page';
import { StoreProvider } from './next/StoreProvider';

/**
 * The Next.js example of docs/ssr.md, rendered as a server renders it: the
 * page renders without a browser and without a request, and state loaded on
 * the server, serialized and handed to the client's store shows in the HTML.
 */
describe('docs/ssr.md, the Next.js example', () => {
  it('renders the page on the server, in English, without a request', () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    const html = renderToString(<ChatPage />);
    expect(html).toMatch(/class="ucr-root ucr-layout"/);
    expect(html).toContain('Chats');
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('renders the conversations the server loaded, after a JSON round trip', async () => {
    const server = createFakeChatServer({
      conversations: [fakeConversation(1, { title: 'Admissions' })],
    });
    const state = await loadChatState({
      baseUrl: 'http://chat.test',
      fetchFn: server.fetchFn,
      getAccessToken: () => 'token-from-the-request-cookie',
    });
    expect(server.requests.map((request) => request.authorization)).toEqual([
      'Bearer token-from-the-request-cookie',
    ]);

    const html = renderToString(
      <StoreProvider preloadedState={JSON.parse(JSON.stringify(state))}>
        <ChatContainer />
      </StoreProvider>,
    );
    expect(html).toContain('Admissions');
  });
});
