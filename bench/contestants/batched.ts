import {
  configureStore,
  createAction,
  createEntityAdapter,
  createReducer,
  isDraft,
  original,
} from '@reduxjs/toolkit';
import type { EntityState } from '@reduxjs/toolkit';
import WebSocket from 'ws';
import type { Message } from 'unet-chat-redux';
import { changeNotifier, tableIsDone } from './redux';
import type { WireFrame } from './redux';
import { closeSocket, getJson, opened, socketUrl } from './types';
import type { Contestant, Instance, OpenOptions } from './types';

/**
 * 5. A batched reference: what a careful hand-written client does. Frames
 * are parsed as they come and buffered; one dispatch per macrotask applies
 * the buffer: `upsertMany` into one unsorted entity table of every message,
 * plus an ordered id list per conversation (appended, or inserted by binary
 * search when a message is older than the newest).
 */

const framesReceived = createAction<WireFrame[]>('batched/framesReceived');
const pageLoaded = createAction<{ conversationId: string; messages: Message[] }>(
  'batched/pageLoaded',
);

const table = createEntityAdapter<Message>();

interface BatchedState {
  messages: EntityState<Message, string>;
  order: Record<string, string[]>;
}

const timeOf = (message: Message | undefined) => message?.created_at ?? '';

const reducer = createReducer<BatchedState>(
  { messages: table.getInitialState(), order: {} },
  (builder) => {
    builder
      .addCase(pageLoaded, (state, { payload }) => {
        table.upsertMany(state.messages, payload.messages);
        const known = original(state.order)?.[payload.conversationId] ?? [];
        // Pages come newest first, each older than what is loaded.
        state.order[payload.conversationId] = [...payload.messages.map((m) => m.id), ...known];
      })
      .addCase(framesReceived, (state, { payload }) => {
        const entities = original(state.messages.entities) ?? {};
        const fresh: Message[] = [];
        const gone: string[] = [];
        for (const frame of payload) {
          if (frame.type === 'message:new' || frame.type === 'message:updated') {
            const message = frame.payload as Message;
            if (frame.type === 'message:updated' && !entities[message.id]) continue;
            fresh.push(message);
          } else if (frame.type === 'message:deleted') {
            gone.push((frame.payload as { id: string }).id);
          }
        }
        const added = fresh.filter((message) => !entities[message.id]);
        table.upsertMany(state.messages, fresh);
        for (const message of added) {
          const ids = (state.order[message.conversation_id] ??= []);
          const base = (isDraft(ids) ? original(ids) : ids) ?? ids;
          const last = base.length ? entities[base[base.length - 1] as string] : undefined;
          if (!last || timeOf(last) <= message.created_at) {
            ids.push(message.id);
            continue;
          }
          let low = 0;
          let high = base.length;
          while (low < high) {
            const middle = (low + high) >> 1;
            if (timeOf(entities[base[middle] as string]) <= message.created_at) low = middle + 1;
            else high = middle;
          }
          ids.splice(low, 0, message.id);
        }
        if (gone.length > 0) {
          const removed = new Set(gone);
          table.removeMany(state.messages, gone);
          for (const [id, ids] of Object.entries(original(state.order) ?? {})) {
            if (ids.some((messageId) => removed.has(messageId)))
              state.order[id] = ids.filter((messageId) => !removed.has(messageId));
          }
        }
      });
  },
);

export const batched: Contestant = {
  key: 'batched',
  name: 'batched reference (buffer per macrotask, `upsertMany` + ordered ids)',
  perFrame: false,
  pages: true,
  async open({ target, conversations, probe, pageSize, newestPageOnly }: OpenOptions) {
    const notifier = changeNotifier();
    const store = configureStore({
      reducer,
      middleware: (getDefaultMiddleware) => getDefaultMiddleware().prepend(notifier.middleware),
    });
    let applyMs = 0;
    const sockets: WebSocket[] = [];
    let buffer: WireFrame[] = [];
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      const frames = buffer;
      buffer = [];
      if (probe.aborted) return;
      store.dispatch(framesReceived(frames));
      if (probe.onLanded) for (const frame of frames) probe.onLanded(frame.payload as Message);
    };

    async function loadOlder(id: string): Promise<void> {
      const oldest = store.getState().order[id]?.[0];
      if (!oldest) return;
      const page = await getJson<Message[]>(
        target,
        `/messages/${id}?before=${oldest}&limit=${pageSize ?? 50}`,
      );
      const start = performance.now();
      store.dispatch(pageLoaded({ conversationId: id, messages: page }));
      applyMs = performance.now() - start;
    }

    for (const { id, history } of conversations) {
      const query = pageSize === undefined ? '' : `?limit=${pageSize}`;
      store.dispatch(
        pageLoaded({
          conversationId: id,
          messages: await getJson(target, `/messages/${id}${query}`),
        }),
      );
      if (pageSize !== undefined && !newestPageOnly) {
        while ((store.getState().order[id]?.length ?? 0) < history) await loadOlder(id);
      }
      const ws = new WebSocket(socketUrl(target.httpUrl, id, target.token));
      probe.attach(ws);
      ws.on('message', (data: Buffer) => {
        if (probe.aborted) return;
        buffer.push(JSON.parse(data.toString()) as WireFrame);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
      sockets.push(ws);
    }
    await Promise.all(sockets.map(opened));

    const instance: Instance = {
      isDone: (check) => tableIsDone(store.getState().messages, check),
      count: (id) => store.getState().order[id]?.length ?? 0,
      onChange: (listener) => notifier.listeners.add(listener),
      loadOlder,
      lastApplyMs: () => applyMs,
      async close() {
        await Promise.all(sockets.map(closeSocket));
      },
    };
    return instance;
  },
};
