import { conversationSocketUrl } from '../../src/socket/url';

describe('conversationSocketUrl', () => {
  const globals = globalThis as { location?: unknown };
  afterEach(() => {
    delete globals.location;
  });

  it('builds the seed URL with wss for an https API', () => {
    expect(conversationSocketUrl('https://uadmin.kstu.kg', 'c0ffee', 'abc.def.ghi')).toBe(
      'wss://uadmin.kstu.kg/api/unet-chat/ws/conversations/c0ffee/?WWW-Authenticate=Bearer%20abc.def.ghi',
    );
  });

  it('uses ws for an http API and keeps the port', () => {
    expect(conversationSocketUrl('http://localhost:8000/', 'c1', 't')).toBe(
      'ws://localhost:8000/api/unet-chat/ws/conversations/c1/?WWW-Authenticate=Bearer%20t',
    );
  });

  it('writes the space of "Bearer {token}" as %20, never +', () => {
    const url = conversationSocketUrl('https://chat.example', 'c1', 'token');
    expect(url).toContain('Bearer%20token');
    expect(url).not.toContain('+');
  });

  it('percent-encodes the conversation id and the token', () => {
    const url = conversationSocketUrl('https://chat.example', 'a/b?c', 'x+y=z&w');
    expect(url).toBe(
      'wss://chat.example/api/unet-chat/ws/conversations/a%2Fb%3Fc/?WWW-Authenticate=Bearer%20x%2By%3Dz%26w',
    );
  });

  it('leaves the query out when there is no token', () => {
    expect(conversationSocketUrl('https://chat.example', 'c1', null)).toBe(
      'wss://chat.example/api/unet-chat/ws/conversations/c1/',
    );
    expect(conversationSocketUrl('https://chat.example', 'c1', '')).toBe(
      'wss://chat.example/api/unet-chat/ws/conversations/c1/',
    );
  });

  it('keeps a base path and accepts another API prefix', () => {
    expect(conversationSocketUrl('https://host/proxy/', 'c1', 't', '/chat-api/')).toBe(
      'wss://host/proxy/chat-api/ws/conversations/c1/?WWW-Authenticate=Bearer%20t',
    );
  });

  it('derives the origin from the page for an empty or relative base URL', () => {
    globals.location = { href: 'https://app.example/inbox?x=1' };
    expect(conversationSocketUrl('', 'c1', 't')).toBe(
      'wss://app.example/api/unet-chat/ws/conversations/c1/?WWW-Authenticate=Bearer%20t',
    );
    globals.location = { href: 'http://localhost:5173/' };
    expect(conversationSocketUrl('/backend', 'c1', null)).toBe(
      'ws://localhost:5173/backend/api/unet-chat/ws/conversations/c1/',
    );
  });

  it('throws a clear error for a relative base URL outside a page', () => {
    expect(() => conversationSocketUrl('', 'c1', 't')).toThrow(/absolute baseUrl/);
  });

  it('refuses a base URL whose scheme has no WebSocket counterpart', () => {
    expect(() => conversationSocketUrl('ftp://files.example', 'c1', 't')).toThrow(/ftp:/);
  });
});
