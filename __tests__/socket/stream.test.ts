import {
  selectConnection,
  submitMessage,
  subscribeToConversation,
  subscribeToWorkspace,
} from 'unet-chat-redux';
import { createSyncHarness } from '../support/syncHarness';
import type { SyncHarness } from '../support/syncHarness';

/**
 * [ext] One stream per user: with a server that has it, every conversation
 * goes through one socket; without it, each has its own (the seed).
 */
const A = '0190c000-0000-7000-8000-0000000000f1';
const B = '0190c000-0000-7000-8000-0000000000f2';

const harnesses: SyncHarness[] = [];
afterEach(() => {
  for (const harness of harnesses.splice(0)) harness.chat.dispose();
});
const make = (...args: Parameters<typeof createSyncHarness>) => {
  const harness = createSyncHarness(...args);
  harnesses.push(harness);
  return harness;
};

function expectConverged(harness: SyncHarness, conversationId: string): void {
  const shown = harness.messagesOf(conversationId);
  expect(shown.map((m) => m.id)).toEqual(
    harness.server.messagesOf(conversationId).map((m) => m.id),
  );
  expect(shown.every((m) => m.status === 'sent')).toBe(true);
}

describe('the user stream [ext]', () => {
  it('carries every conversation through one socket once the server says it has it', async () => {
    const harness = make({ stream: true });
    harness.server.post(A, 2, { text: 'a1' });
    harness.server.post(B, 2, { text: 'b1' });
    harness.store.dispatch(subscribeToConversation(A));
    harness.store.dispatch(subscribeToConversation(B));
    await harness.settle();
    expect(harness.server.openSockets()).toEqual(['*']);
    harness.server.post(A, 2, { text: 'a2' });
    harness.server.post(B, 2, { text: 'b2' });
    harness.store.dispatch(submitMessage({ conversationId: B, text: 'mine in b' }));
    await harness.settle();
    expectConverged(harness, A);
    expectConverged(harness, B);
    expect(harness.messagesOf(B).map((m) => m.text)).toEqual(['b1', 'b2', 'mine in b']);
    expect(harness.server.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(selectConnection(harness.store.getState(), A).status).toBe('open');
  });

  it('catches every conversation up after the stream drops, nothing lost', async () => {
    const harness = make({ stream: true });
    harness.store.dispatch(subscribeToConversation(A));
    harness.store.dispatch(subscribeToConversation(B));
    await harness.settle();
    harness.server.setSocketsAccepted(false);
    await harness.settle();
    harness.server.post(A, 2, { text: 'during the cut, a' });
    harness.server.post(B, 2, { text: 'during the cut, b' });
    expect(selectConnection(harness.store.getState(), B).status).not.toBe('open');
    harness.server.setSocketsAccepted(true);
    await harness.advance(20_000);
    expect(harness.server.openSockets()).toEqual(['*']);
    expectConverged(harness, A);
    expectConverged(harness, B);
  });

  it('stays open for the workspace while no conversation is open, and closes when nothing needs it', async () => {
    const harness = make({ stream: true });
    const leaveWorkspace = harness.store.dispatch(subscribeToWorkspace());
    await harness.settle();
    expect(harness.server.openSockets()).toEqual(['*']);
    const leaveA = harness.store.dispatch(subscribeToConversation(A));
    await harness.settle();
    expect(harness.server.openSockets()).toEqual(['*']);
    leaveA();
    leaveWorkspace();
    await harness.settle();
    expect(harness.server.openSockets()).toEqual([]);
  });

  it('never opens a stream to a server that does not say it has one (the seed)', async () => {
    const harness = make({ stream: false });
    harness.store.dispatch(subscribeToConversation(A));
    harness.store.dispatch(subscribeToConversation(B));
    await harness.settle();
    expect(harness.server.openSockets().sort()).toEqual([A, B].sort());
    expect(
      harness.server.memory.sockets.some((socket) => !socket.url.includes('/conversations/')),
    ).toBe(false);
  });

  it('keeps conversation sockets when the stream is refused although advertised', async () => {
    const harness = make({ stream: true });
    // The stream's socket is refused with 4404 (say, a proxy in front without the route).
    const pump = harness.server.pump;
    harness.server.pump = () => {
      for (const socket of harness.server.memory.sockets)
        if (socket.state === 'connecting' && !socket.url.includes('/conversations/'))
          socket.serverClose(4404, 'not found');
      pump();
    };
    harness.store.dispatch(subscribeToConversation(A));
    await harness.settle();
    harness.server.post(A, 2, { text: 'still live' });
    await harness.settle();
    expect(harness.server.openSockets()).toEqual([A]);
    expectConverged(harness, A);
  });
});
