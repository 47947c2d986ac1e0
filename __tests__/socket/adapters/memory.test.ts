import { createMemoryTransport } from '../../../src/socket/adapters/memory';
import type { SocketHandlers } from '../../../src/socket/transport';

function recordingHandlers() {
  const calls: unknown[][] = [];
  const handlers: SocketHandlers = {
    onOpen: () => calls.push(['open']),
    onMessage: (data) => calls.push(['message', data]),
    onClose: (code, reason) => calls.push(['close', code, reason]),
    onError: (message) => calls.push(['error', message]),
  };
  return { calls, handlers };
}

describe('createMemoryTransport', () => {
  it('keeps every socket it opens, newest last', () => {
    const transport = createMemoryTransport();
    expect(transport.last()).toBeUndefined();
    const first = transport.factory('ws://a', recordingHandlers().handlers);
    const second = transport.factory('ws://b', recordingHandlers().handlers);

    expect(transport.sockets).toEqual([first, second]);
    expect(transport.last()).toBe(second);
    expect(transport.last()?.url).toBe('ws://b');
  });

  it('reports open, frames and a server close to the handlers', () => {
    const transport = createMemoryTransport();
    const { calls, handlers } = recordingHandlers();
    transport.factory('ws://a', handlers);
    const socket = transport.last()!;

    expect(socket.state).toBe('connecting');
    socket.open();
    expect(socket.state).toBe('open');
    socket.receive({ type: 'pong' });
    socket.receive('not json');
    socket.serverClose(1001, 'restart');

    expect(socket.state).toBe('closed');
    expect(calls).toEqual([
      ['open'],
      ['message', '{"type":"pong"}'],
      ['message', 'not json'],
      ['close', 1001, 'restart'],
    ]);
  });

  it('reports a failure as an error followed by a 1006 close, as browsers do', () => {
    const transport = createMemoryTransport();
    const { calls, handlers } = recordingHandlers();
    transport.factory('ws://a', handlers);

    transport.last()!.fail('connection refused');
    expect(calls).toEqual([
      ['error', 'connection refused'],
      ['close', 1006, ''],
    ]);
  });

  it('records what the client sent, as text and parsed', () => {
    const transport = createMemoryTransport();
    const socket = transport.factory('ws://a', recordingHandlers().handlers);
    transport.last()!.open();
    socket.send('{"type":"ping"}');
    socket.send('plain');

    expect(transport.last()!.sent).toEqual(['{"type":"ping"}', 'plain']);
    expect(transport.last()!.sentFrames()).toEqual([{ type: 'ping' }, 'plain']);
  });

  it('throws on a send while connecting and drops one after the close, like a browser', () => {
    const transport = createMemoryTransport();
    const socket = transport.factory('ws://a', recordingHandlers().handlers);
    expect(() => socket.send('early')).toThrow(/connecting/);

    transport.last()!.open();
    socket.close();
    socket.send('late');
    expect(transport.last()!.sent).toEqual([]);
  });

  it('records the client close without reporting it to the handlers', () => {
    const transport = createMemoryTransport();
    const { calls, handlers } = recordingHandlers();
    const socket = transport.factory('ws://a', handlers);
    transport.last()!.open();

    socket.close(4000, 'heartbeat timeout');
    socket.close(1000, 'again');

    expect(transport.last()!.closedByClient).toEqual({ code: 4000, reason: 'heartbeat timeout' });
    expect(transport.last()!.state).toBe('closed');
    expect(calls).toEqual([['open']]);
  });

  it('records a close without a code as the 1005 the server would see', () => {
    const transport = createMemoryTransport();
    transport.factory('ws://a', recordingHandlers().handlers).close();
    expect(transport.last()!.closedByClient).toEqual({ code: 1005, reason: '' });
  });
});
