/**
 * A deterministic in-process model of a unet-chat server, for unit tests of
 * the sync layer with adversarial interleavings: REST answers come through a
 * fake `fetch` and can be held back and released in any order; socket frames
 * go to memory sockets and are delivered only when the test says; the server
 * can go down and come back. It follows the contract: [seed] behaviour
 * always, and the [ext] parts (client_id echo and idempotency, paging
 * cursors, "changes since") only when switched on.
 */
import type { Message } from 'unet-chat-redux';
import { createMemoryTransport } from 'unet-chat-redux';
import type { MemorySocket } from 'unet-chat-redux';
import { createFakeFetch } from './fakeFetch';
import type { FakeAnswer, RecordedRequest } from './fakeFetch';

export interface ModelServerOptions {
  /** [ext] Echo `client_id` and deduplicate sends by it. Default true. */
  idempotency?: boolean;
  /** [ext] `before`/`after`/`limit` paging. Default true (without: every GET answers everything). */
  paging?: boolean;
  /** [ext] `GET /messages/{id}/changes/`. Default true. */
  changes?: boolean;
  /** Answer every request at once instead of holding it for `release`. Default true. */
  autoAnswer?: boolean;
  /** Deliver socket frames at once instead of queueing them for `deliver`. Default true. */
  autoDeliver?: boolean;
  /** [ext] The user stream `/ws/` (and `GET /extensions/` saying so). Default false. */
  stream?: boolean;
}

interface StoredMessage extends Message {
  deleted: boolean;
  seq: number;
}

interface HeldRequest {
  request: RecordedRequest;
  resolve: (answer: FakeAnswer) => void;
}

interface ServerSocket {
  socket: MemorySocket;
  conversationId: string;
  /** Frames of `socket.sent` already handled. */
  read: number;
  queue: unknown[];
}

const PREFIX = '/api/unet-chat';
const BASE_TIME = Date.parse('2026-03-01T09:00:00.000Z');

export function messageId(n: number): string {
  return `0190c000-0000-7000-9000-${String(n).padStart(12, '0')}`;
}

export function createModelServer(options: ModelServerOptions = {}) {
  const idempotency = options.idempotency ?? true;
  const paging = options.paging ?? true;
  const changes = options.changes ?? true;
  const streamOn = options.stream ?? false;
  let autoAnswer = options.autoAnswer ?? true;
  let autoDeliver = options.autoDeliver ?? true;

  const conversations = new Map<string, StoredMessage[]>();
  const changeLog: Array<{ seq: number; conversationId: string; id: string }> = [];
  let nextMessage = 1;
  let changeSeq = 0;
  let clock = 0;
  let up = true;
  let acceptSockets = true;
  /** Scripted faults: the next requests that match answer this instead (`lose`: done, answer lost). */
  const faults: Array<{
    match: (request: RecordedRequest) => boolean;
    answer: FakeAnswer | 'lose';
    times: number;
  }> = [];
  const held: HeldRequest[] = [];
  const sockets: ServerSocket[] = [];
  const memory = createMemoryTransport();

  function listOf(conversationId: string): StoredMessage[] {
    let list = conversations.get(conversationId);
    if (!list) {
      list = [];
      conversations.set(conversationId, list);
    }
    return list;
  }

  const live = (conversationId: string) => listOf(conversationId).filter((m) => !m.deleted);

  function wire(message: StoredMessage): Message {
    const { deleted: _deleted, seq: _seq, ...fields } = message;
    if (!idempotency) {
      const { client_id: _client, ...seed } = fields;
      return seed;
    }
    return fields;
  }

  /** The user stream's sockets are keyed '*': every conversation's frames reach them. */
  const STREAM = '*';

  function publish(conversationId: string, frame: unknown): void {
    for (const entry of sockets) {
      if (entry.socket.state !== 'open') continue;
      if (entry.conversationId !== conversationId && entry.conversationId !== STREAM) continue;
      entry.queue.push(frame);
    }
    if (autoDeliver) deliver();
  }

  function post(
    conversationId: string,
    senderId: number,
    draft: { text: string; reply_to?: string | null; client_id?: string | null },
  ): { message: Message; created: boolean } {
    const list = listOf(conversationId);
    if (idempotency && draft.client_id) {
      const known = list.find((m) => m.sender_id === senderId && m.client_id === draft.client_id);
      if (known) return { message: wire(known), created: false };
    }
    const n = nextMessage++;
    clock += 1000;
    const stored: StoredMessage = {
      id: messageId(n),
      conversation_id: conversationId,
      sender_id: senderId,
      text: draft.text,
      reply_to: draft.reply_to ?? null,
      is_edited: false,
      created_at: new Date(BASE_TIME + clock).toISOString(),
      client_id: draft.client_id ?? null,
      deleted: false,
      seq: n,
    };
    list.push(stored);
    publish(conversationId, { type: 'message:new', payload: wire(stored) });
    return { message: wire(stored), created: true };
  }

  function edit(id: string, text: string): void {
    for (const [conversationId, list] of conversations) {
      const target = list.find((m) => m.id === id && !m.deleted);
      if (!target) continue;
      target.text = text;
      target.is_edited = true;
      changeLog.push({ seq: ++changeSeq, conversationId, id });
      publish(conversationId, { type: 'message:updated', payload: wire(target) });
    }
  }

  function remove(id: string): void {
    for (const [conversationId, list] of conversations) {
      const target = list.find((m) => m.id === id && !m.deleted);
      if (!target) continue;
      target.deleted = true;
      changeLog.push({ seq: ++changeSeq, conversationId, id });
      publish(conversationId, {
        type: 'message:deleted',
        payload: { id, conversation_id: conversationId },
      });
    }
  }

  /** Answers a REST request from the model's current state. */
  function answer(request: RecordedRequest): FakeAnswer {
    if (!up) return 'network-error';
    const fault = faults.find((f) => f.times > 0 && f.match(request));
    if (fault) {
      fault.times -= 1;
      if (fault.answer !== 'lose') return fault.answer;
      // The server does the work, the answer never arrives.
      serve(request);
      return 'network-error';
    }
    return serve(request);
  }

  function serve(request: RecordedRequest): FakeAnswer {
    const url = new URL(request.url);
    const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : url.pathname;
    const params = url.searchParams;
    let match = /^\/messages\/([^/]+)\/changes\/?$/.exec(path);
    if (match && request.method === 'GET') {
      if (!changes) return { status: 404, body: { detail: 'Not Found' } };
      const conversationId = decodeURIComponent(match[1]!);
      const since = params.get('since');
      const from = since === null ? changeSeq : Number(since);
      const touched = changeLog.filter((c) => c.conversationId === conversationId && c.seq > from);
      const ids = [...new Set(touched.map((c) => c.id))];
      const stored = ids.map((id) => listOf(conversationId).find((m) => m.id === id)!);
      return {
        status: 200,
        body: {
          cursor: String(changeSeq),
          messages: stored.filter((m) => !m.deleted).map(wire),
          deleted: stored
            .filter((m) => m.deleted)
            .map((m) => ({ id: m.id, conversation_id: conversationId })),
          has_more: false,
        },
      };
    }
    match = /^\/messages\/([^/]+)\/?$/.exec(path);
    if (match && request.method === 'GET') {
      const conversationId = decodeURIComponent(match[1]!);
      const list = live(conversationId);
      if (!paging) return { status: 200, body: list.map(wire) };
      const limit = Math.min(Number(params.get('limit') ?? 50), 200);
      const before = params.get('before');
      const after = params.get('after');
      const position = (id: string) => listOf(conversationId).find((m) => m.id === id)?.seq;
      if (after) {
        const seq = position(after);
        if (seq === undefined)
          return { status: 400, body: { detail: 'bad cursor', code: 'invalid_cursor' } };
        return {
          status: 200,
          body: list
            .filter((m) => m.seq > seq)
            .slice(0, limit)
            .map(wire),
        };
      }
      if (before) {
        const seq = position(before);
        if (seq === undefined)
          return { status: 400, body: { detail: 'bad cursor', code: 'invalid_cursor' } };
        const older = list.filter((m) => m.seq < seq);
        return { status: 200, body: older.slice(Math.max(0, older.length - limit)).map(wire) };
      }
      return { status: 200, body: list.slice(Math.max(0, list.length - limit)).map(wire) };
    }
    if (path.replace(/\/$/, '') === '/messages' && request.method === 'POST') {
      const body = request.body as {
        conversation_id: string;
        sender_id: number;
        text: string;
        reply_to: string | null;
        client_id?: string;
      };
      const { message, created } = post(body.conversation_id, body.sender_id, body);
      return { status: created ? 201 : 200, body: message };
    }
    match = /^\/messages\/([^/]+)\/?$/.exec(path);
    if (match && (request.method === 'PUT' || request.method === 'DELETE')) {
      const id = decodeURIComponent(match[1]!);
      const target = [...conversations.values()].flat().find((m) => m.id === id && !m.deleted);
      if (!target) return { status: 404, body: { detail: 'Message not found.' } };
      if (request.method === 'DELETE') {
        remove(id);
        return { status: 204 };
      }
      edit(id, (request.body as { text: string }).text);
      return { status: 200, body: wire(target) };
    }
    if (path.replace(/\/$/, '') === '/extensions' && request.method === 'GET') {
      if (!streamOn) return { status: 404, body: { detail: 'Not Found' } };
      return {
        status: 200,
        body: {
          extensions: ['stream', ...(changes ? ['changes'] : []), ...(paging ? ['paging'] : [])],
        },
      };
    }
    if (path.replace(/\/$/, '') === '/conversations' && request.method === 'GET') {
      return { status: 200, body: [] };
    }
    return { status: 404, body: { detail: 'Not Found' } };
  }

  const { fetchFn, requests } = createFakeFetch(
    (request) =>
      new Promise<FakeAnswer>((resolve) => {
        if (autoAnswer) resolve(answer(request));
        else held.push({ request, resolve });
      }),
  );

  /** Answers held requests (all, or the one at `index`), computed from the state at that moment. */
  function release(index?: number): number {
    if (index !== undefined) {
      const [entry] = held.splice(index, 1);
      if (entry) entry.resolve(answer(entry.request));
      return entry ? 1 : 0;
    }
    const count = held.length;
    for (const entry of held.splice(0)) entry.resolve(answer(entry.request));
    return count;
  }

  /** Answers the held requests that match, leaving the others held. */
  function releaseWhere(match: (request: RecordedRequest) => boolean): number {
    const chosen = held.filter((entry) => match(entry.request));
    for (const entry of chosen) {
      held.splice(held.indexOf(entry), 1);
      entry.resolve(answer(entry.request));
    }
    return chosen.length;
  }

  /** Accepts sockets the client opened, reads what they sent, delivers queued frames. */
  function pump(): void {
    for (const socket of memory.sockets) {
      let entry = sockets.find((s) => s.socket === socket);
      if (!entry) {
        const match = /\/ws\/conversations\/([^/?]+)/.exec(socket.url);
        const conversationId = match ? decodeURIComponent(match[1] ?? '') : STREAM;
        entry = { socket, conversationId, read: 0, queue: [] };
        sockets.push(entry);
      }
      if (socket.state === 'connecting') {
        if (entry.conversationId === STREAM && !streamOn) socket.serverClose(4404, 'not found');
        else if (up && acceptSockets) socket.open();
        else socket.fail('connection refused');
      }
      if (socket.state !== 'open') continue;
      while (entry.read < socket.sent.length) {
        const frame = JSON.parse(socket.sent[entry.read++]!) as {
          type: string;
          payload?: {
            text: string;
            reply_to: string | null;
            client_id: string;
            conversation_id?: string;
          };
        };
        if (frame.type !== 'message:send' || !frame.payload) continue;
        const target =
          entry.conversationId === STREAM ? frame.payload.conversation_id : entry.conversationId;
        if (!target) continue;
        // Every socket of this store sends as user 1.
        const { message, created } = post(target, 1, frame.payload);
        if (!created) {
          entry.queue.push({ type: 'message:new', payload: message });
          if (autoDeliver) deliver();
        }
      }
    }
  }

  function deliver(): void {
    for (const entry of sockets) {
      if (entry.socket.state !== 'open') {
        entry.queue = [];
        continue;
      }
      for (const frame of entry.queue.splice(0)) entry.socket.receive(frame);
    }
  }

  /** Cuts every open socket (frames not delivered are lost), as a network fault does. */
  function cutSockets(): void {
    for (const entry of sockets) {
      entry.queue = [];
      if (entry.socket.state === 'open') entry.socket.fail('connection reset');
    }
  }

  return {
    fetchFn,
    requests,
    factory: memory.factory,
    memory,
    post,
    edit,
    remove,
    pump,
    deliver,
    release,
    releaseWhere,
    cutSockets,
    held: () => held.length,
    /** Open sockets now: conversation sockets by id, the stream as '*'. */
    openSockets: () =>
      sockets.filter((entry) => entry.socket.state === 'open').map((entry) => entry.conversationId),
    /** The live messages of a conversation, in server order. */
    messagesOf: (conversationId: string): Message[] => live(conversationId).map(wire),
    setUp(value: boolean) {
      up = value;
      if (!up) cutSockets();
    },
    isUp: () => up,
    /** Refuses (or accepts again) new sockets while REST keeps working; refusing cuts the open ones. */
    setSocketsAccepted(value: boolean) {
      acceptSockets = value;
      if (!value) cutSockets();
    },
    /** The next `times` requests that match get `answer` instead (`'lose'`: served, answer lost). */
    fail(match: (request: RecordedRequest) => boolean, answer: FakeAnswer | 'lose', times = 1) {
      faults.push({ match, answer, times });
    },
    setAutoAnswer(value: boolean) {
      autoAnswer = value;
      if (value) release();
    },
    setAutoDeliver(value: boolean) {
      autoDeliver = value;
      if (value) deliver();
    },
  };
}

export type ModelServer = ReturnType<typeof createModelServer>;
