import { subscribeToConversation } from 'unet-chat-redux';
import { createSyncHarness } from '../support/syncHarness';
import type { SyncHarness } from '../support/syncHarness';
import { stateProblems } from './invariants';

/**
 * Bugs the fuzz tests found outside the files this suite may fix (the state
 * layer and the API slice): each is a failing test, marked `it.failing`
 * until its fix lands — then jest reports it, and the mark goes.
 */
const C = '0190c000-0000-7000-8000-00000000000c';

let current: SyncHarness | undefined;
afterEach(() => {
  current?.chat.dispose();
  current = undefined;
});

async function liveStore(count: number) {
  const harness = (current = createSyncHarness());
  for (let n = 1; n <= count; n++) harness.server.post(C, 2, { text: `m${n}` });
  harness.store.dispatch(subscribeToConversation(C));
  await harness.settle();
  expect(harness.syncOf(C).phase).toBe('live');
  const socket = harness.server.memory.sockets.find((s) => s.state === 'open')!;
  return { harness, socket };
}

describe('known bugs of the state layer (messagesSlice)', () => {
  // BUG (src/state/messagesSlice.ts, receive()): a copy of a known message with
  // another `created_at` replaces the entity (and its `created_ms`) but leaves
  // the id where it was in `ids`, so `ids` is no longer ordered — and every later
  // binary insertion (mergeSorted assumes sorted ids) can misplace messages.
  // Fix: re-position the id when `created_ms` changes (or keep the first
  // `created_at`: a server does not move a message in time).
  it.failing.each(['message:updated', 'message:new'])(
    'a %s frame that moves a known message in time keeps ids ordered',
    async (type) => {
      const { harness, socket } = await liveStore(3);
      const first = harness.server.messagesOf(C)[0]!;
      socket.receive({ type, payload: { ...first, created_at: '2026-03-01T12:00:00.000Z' } });
      await harness.settle();
      expect(stateProblems(harness.store.getState())).toEqual([]);
    },
  );
});
