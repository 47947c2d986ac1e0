import WebSocket from 'ws';
import type { Message } from 'unet-chat-redux';
import { Listeners, closeSocket, getJson, opened, socketUrl } from './types';
import type { Contestant, DoneCheck, Instance, OpenOptions } from './types';

/**
 * 1. The floor: `ws` receives, `JSON.parse`, push onto an array. No store, no
 * copies, no order beyond arrival. Edits replace the array slot, deletions
 * leave a hole (both O(1) through an id → slot map). Nothing a real client can
 * do is cheaper, so the others are given as multiples of it.
 */

interface Frame {
  type: string;
  payload: Message & { id: string };
}

interface Conversation {
  list: Array<Message | undefined>;
  slot: Map<string, number>;
  size: number;
}

function holding(messages: Message[]): Conversation {
  const slot = new Map<string, number>();
  messages.forEach((message, i) => slot.set(message.id, i));
  return { list: messages, slot, size: messages.length };
}

export const floor: Contestant = {
  key: 'floor',
  name: 'floor (`ws` + `JSON.parse` + array push)',
  perFrame: false,
  pages: true,
  async open({ target, conversations, probe, pageSize, newestPageOnly }: OpenOptions) {
    const listeners = new Listeners();
    const state = new Map<string, Conversation>();
    const sockets: WebSocket[] = [];
    let applyMs = 0;

    for (const { id, history } of conversations) {
      if (pageSize === undefined) {
        state.set(id, holding(await getJson<Message[]>(target, `/messages/${id}`)));
      } else {
        state.set(
          id,
          holding(await getJson<Message[]>(target, `/messages/${id}?limit=${pageSize}`)),
        );
        if (!newestPageOnly) {
          while ((state.get(id)?.size ?? 0) < history) await loadOlder(id);
        }
      }
      const ws = new WebSocket(socketUrl(target.httpUrl, id, target.token));
      probe.attach(ws);
      ws.on('message', (data: Buffer) => {
        if (probe.aborted) return;
        const frame = JSON.parse(data.toString()) as Frame;
        const conversation = state.get(frame.payload.conversation_id);
        if (!conversation) return;
        const at = conversation.slot.get(frame.payload.id);
        if (frame.type === 'message:new') {
          conversation.slot.set(frame.payload.id, conversation.list.length);
          conversation.list.push(frame.payload);
          conversation.size += 1;
        } else if (frame.type === 'message:updated' && at !== undefined) {
          conversation.list[at] = frame.payload;
        } else if (frame.type === 'message:deleted' && at !== undefined) {
          conversation.list[at] = undefined;
          conversation.slot.delete(frame.payload.id);
          conversation.size -= 1;
        }
        probe.onLanded?.(frame.payload);
        listeners.notify();
      });
      sockets.push(ws);
    }
    await Promise.all(sockets.map(opened));

    async function loadOlder(id: string): Promise<void> {
      const conversation = state.get(id);
      const oldest = conversation?.list.find((message) => message !== undefined);
      if (!conversation || !oldest) return;
      const page = await getJson<Message[]>(
        target,
        `/messages/${id}?before=${oldest.id}&limit=${pageSize ?? 50}`,
      );
      const start = performance.now();
      const list = [...page, ...conversation.list];
      const slot = new Map<string, number>();
      list.forEach((message, i) => message && slot.set(message.id, i));
      state.set(id, { list, slot, size: conversation.size + page.length });
      applyMs = performance.now() - start;
    }

    const instance: Instance = {
      isDone(check: DoneCheck) {
        const conversation = state.get(check.conversationId);
        const at = conversation?.slot.get(check.id);
        if (check.kind === 'deleted') return at === undefined;
        if (at === undefined) return false;
        return check.kind === 'new' || conversation?.list[at]?.text === check.text;
      },
      count: (id) => state.get(id)?.size ?? 0,
      onChange: (listener) => listeners.add(listener),
      loadOlder,
      lastApplyMs: () => applyMs,
      async close() {
        await Promise.all(sockets.map(closeSocket));
      },
    };
    return instance;
  },
};
