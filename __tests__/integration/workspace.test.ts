import WebSocket from 'ws';
import type { UnknownAction } from '@reduxjs/toolkit';
import {
  chatApi,
  createDefaultEnvironment,
  createWebSocketFactory,
  endChatSession,
  messagesSeen,
  selectConnection,
  selectConversations,
  selectLastMessage,
  selectMessagesOfConversation,
  selectPresence,
  selectReceipt,
  selectTotalUnread,
  selectTypingUserIds,
  selectUnreadCount,
  submitMessage,
  subscribeToConversation,
  subscribeToWorkspace,
  userTyping,
  workspaceUnsubscribed,
} from 'unet-chat-redux';
import type {
  ChatEnvironment,
  Conversation,
  Message,
  SocketFactory,
  WebSocketConstructor,
} from 'unet-chat-redux';
import { PRESENCE_POLL_MS } from '../../src/socket/listeners/workspace';
import { createChatStore, waitFor } from '../support/chatStore';
import type { ChatStoreHarness } from '../support/chatStore';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';

/**
 * [ext] The live workspace against the real reference server over real
 * sockets: one user stream per store, conversations that appear and
 * disappear, unread counts, read cursors and receipts, typing, presence,
 * list previews, and gap-free delivery across a dropped stream.
 */
const API = '/api/unet-chat';
const harnesses: ChatStoreHarness[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) harness.chat.dispose();
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer({ rateLimits: false, ...options });
  servers.push(server);
  return server;
}

/** A `ws` WebSocket that keeps every instance, so a test can cut one like a network fault would. */
function recordingSockets() {
  const raws: WebSocket[] = [];
  const urls: string[] = [];
  const sentFrames: unknown[] = [];
  /** While set, opening a socket fails at once (the network is down). */
  const network = { down: false };
  class Recorded extends WebSocket {
    constructor(url: string, protocols?: string[]) {
      if (network.down) throw new Error('network down');
      super(url, protocols ?? []);
      raws.push(this);
      urls.push(url);
    }
    override send(data: unknown): void {
      sentFrames.push(JSON.parse(String(data)));
      super.send(data as string);
    }
  }
  const factory: SocketFactory = createWebSocketFactory(
    Recorded as unknown as WebSocketConstructor,
  );
  return { factory, raws, urls, sentFrames, network };
}

function storeFor(server: TestServer, session: Session, stream: 'auto' | 'never' = 'auto') {
  const sockets = recordingSockets();
  const harness = createChatStore(server, session, {
    socket: { factory: sockets.factory, stream },
  });
  harnesses.push(harness);
  return { ...harness, sockets };
}

type Harness = ReturnType<typeof storeFor>;

async function create(session: Session, body: Record<string, unknown>): Promise<Conversation> {
  const answer = await session.request<Conversation>('POST', `${API}/conversations/`, body);
  if (answer.status !== 201) throw new Error(`create answered ${answer.status}`);
  return answer.body;
}

const group = (session: Session, participantIds: number[]) =>
  create(session, { type: 'group', title: 'Workspace', participant_ids: participantIds });

async function post(session: Session, conversationId: string, text: string): Promise<Message> {
  const answer = await session.request<Message>('POST', `${API}/messages/`, {
    conversation_id: conversationId,
    sender_id: session.user.id,
    text,
    reply_to: null,
  });
  if (answer.status !== 201) throw new Error(`send answered ${answer.status}`);
  return answer.body;
}

const isStream = (url: string) => /\/ws\/\?|\/ws\/$/.test(url) && !url.includes('/conversations/');
const statusOf = (harness: Harness, conversationId: string) =>
  selectConnection(harness.store.getState(), conversationId).status;
const listed = (harness: Harness) =>
  selectConversations(harness.store.getState()).map((conversation) => conversation.id);
const texts = (harness: Harness, conversationId: string) =>
  selectMessagesOfConversation(harness.store.getState(), conversationId).map((m) => m.text);
const unread = (harness: Harness, conversationId: string) =>
  selectUnreadCount(harness.store.getState(), conversationId);
const listRequests = (actions: UnknownAction[]) =>
  actions.filter(
    (action) =>
      action.type === 'chatApi/executeQuery/pending' &&
      (action as { meta?: { arg?: { endpointName?: string } } }).meta?.arg?.endpointName ===
        'getConversations',
  ).length;

/** Loads the conversation list once and keeps the workspace live, as a list screen does. */
async function showWorkspace(harness: Harness) {
  harness.store.dispatch(subscribeToWorkspace());
  await harness.store.dispatch(
    chatApi.endpoints.getConversations.initiate(undefined, { subscribe: false }),
  );
  await waitFor(
    () =>
      harness.sockets.raws.some(
        (raw, i) => isStream(harness.sockets.urls[i]!) && raw.readyState === WebSocket.OPEN,
      ),
    5000,
    'the user stream open',
  );
}

async function twoUsers(options: Parameters<typeof startTestServer>[0] = {}) {
  const server = await serve(options);
  const [aibek, aizada] = [await server.login('aibek'), await server.login('aizada')];
  return { server, aibek, aizada, a: storeFor(server, aibek), b: storeFor(server, aizada) };
}

describe('the live workspace over the user stream [ext]', () => {
  it('holds exactly one socket, the user stream, for several subscribed conversations', async () => {
    const { aibek, b } = await twoUsers();
    const rooms = [await group(aibek, [2]), await group(aibek, [2]), await group(aibek, [2])];
    for (const room of rooms) b.store.dispatch(subscribeToConversation(room.id));
    await waitFor(() => rooms.every((room) => statusOf(b, room.id) === 'open'), 5000, 'all open');
    for (const [index, room] of rooms.entries()) await post(aibek, room.id, `to room ${index}`);
    await waitFor(
      () => rooms.every((room, index) => texts(b, room.id).includes(`to room ${index}`)),
      5000,
      'messages of every room',
    );
    b.store.dispatch(submitMessage({ conversationId: rooms[1]!.id, text: 'over the stream' }));
    await waitFor(
      () =>
        selectMessagesOfConversation(b.store.getState(), rooms[1]!.id).some(
          (m) => m.text === 'over the stream' && m.status === 'sent',
        ),
      5000,
      'our send confirmed',
    );
    expect(b.sockets.urls).toHaveLength(1);
    expect(isStream(b.sockets.urls[0]!)).toBe(true);
    // The send went over the stream, naming its conversation.
    expect(b.sockets.sentFrames).toContainEqual({
      type: 'message:send',
      payload: expect.objectContaining({ conversation_id: rooms[1]!.id, text: 'over the stream' }),
    });
  });

  it('shows a conversation another user creates with us at once, without asking for the list again', async () => {
    const { aibek, b } = await twoUsers();
    await showWorkspace(b);
    expect(listed(b)).toEqual([]);
    const before = listRequests(b.actions);
    const room = await group(aibek, [2]);
    await waitFor(() => listed(b).includes(room.id), 3000, 'the new conversation listed');
    expect(listRequests(b.actions)).toBe(before);
    expect(selectConversations(b.store.getState())[0]).toMatchObject({
      id: room.id,
      title: 'Workspace',
    });
    // Added to a conversation of others: listed the same way.
    const joined = await group(aibek, []);
    await aibek.request('POST', `${API}/conversations/${joined.id}/participants/`, { user_id: 2 });
    await waitFor(() => listed(b).includes(joined.id), 3000, 'the joined conversation listed');
    expect(listRequests(b.actions)).toBe(before);
  });

  it('shows a conversation created while the stream was down once it is back (the list is asked again)', async () => {
    const { aibek, b } = await twoUsers();
    await showWorkspace(b);
    b.sockets.network.down = true;
    b.sockets.raws.find((raw) => raw.readyState === WebSocket.OPEN)!.terminate();
    await waitFor(
      () => b.sockets.raws.every((raw) => raw.readyState === WebSocket.CLOSED),
      3000,
      'the stream cut',
    );
    const room = await group(aibek, [2]);
    await post(aibek, room.id, 'while B was away');
    b.sockets.network.down = false;
    await waitFor(() => listed(b).includes(room.id), 10_000, 'the conversation listed');
    expect(unread(b, room.id)).toBe(1);
  });

  it('counts unread messages from others, drops them once seen, and sends the read cursor that makes our message "read" for the sender', async () => {
    const { aibek, aizada, a, b } = await twoUsers();
    const chat = await create(aibek, { type: 'private', participant_ids: [2] });
    // A private chat's receipts need the conversation (its type and participants) in the store.
    await showWorkspace(a);
    a.store.dispatch(subscribeToConversation(chat.id));
    await showWorkspace(b);
    await waitFor(() => listed(b).includes(chat.id), 3000, 'listed for B');
    await waitFor(() => statusOf(a, chat.id) === 'open', 5000, 'A open');

    for (const text of ['one', 'two', 'three']) {
      a.store.dispatch(submitMessage({ conversationId: chat.id, text }));
    }
    await waitFor(() => unread(b, chat.id) === 3, 5000, 'three unread for B');
    expect(selectTotalUnread(b.store.getState())).toBe(3);
    // Our own messages never count.
    expect(unread(a, chat.id)).toBe(0);
    const mine = await waitFor(
      () => {
        const shown = selectMessagesOfConversation(a.store.getState(), chat.id);
        return shown.length === 3 && shown.every((m) => m.status === 'sent') ? shown : null;
      },
      5000,
      'A’s messages confirmed',
    );
    expect(selectReceipt(a.store.getState(), chat.id, mine[2]!.id)).not.toBe('read');

    // B sees the first two: one left.
    const seen = await waitFor(
      () => {
        const shown = selectMessagesOfConversation(b.store.getState(), chat.id);
        return shown.length === 3 ? shown : null;
      },
      5000,
      'B has the messages',
    );
    b.store.dispatch(
      messagesSeen({
        conversationId: chat.id,
        messageId: seen[1]!.id,
        createdMs: seen[1]!.created_ms,
      }),
    );
    expect(unread(b, chat.id)).toBe(1);
    await waitFor(
      () => selectReceipt(a.store.getState(), chat.id, mine[1]!.id) === 'read',
      5000,
      'the second message read for A',
    );
    expect(selectReceipt(a.store.getState(), chat.id, mine[2]!.id)).not.toBe('read');

    b.store.dispatch(
      messagesSeen({
        conversationId: chat.id,
        messageId: seen[2]!.id,
        createdMs: seen[2]!.created_ms,
      }),
    );
    expect(unread(b, chat.id)).toBe(0);
    expect(selectTotalUnread(b.store.getState())).toBe(0);
    await waitFor(
      () => selectReceipt(a.store.getState(), chat.id, mine[2]!.id) === 'read',
      5000,
      'all read for A',
    );
    // The server keeps the cursor: B's next list says nothing unread.
    const again = await aizada.request<{ last_read_message_id: string; unread_count: number }>(
      'GET',
      `${API}/conversations/${chat.id}`,
    );
    expect(again.body).toMatchObject({ last_read_message_id: seen[2]!.id, unread_count: 0 });
  });

  it('counts unread from the server’s count at list time plus what arrived since', async () => {
    const { aibek, b } = await twoUsers();
    const room = await group(aibek, [2]);
    await post(aibek, room.id, 'before 1');
    await post(aibek, room.id, 'before 2');
    await showWorkspace(b);
    expect(unread(b, room.id)).toBe(2);
    await post(aibek, room.id, 'after');
    await waitFor(() => unread(b, room.id) === 3, 3000, 'three unread');
    expect(selectTotalUnread(b.store.getState())).toBe(3);
  });

  it('shows who is typing, and stops when their message arrives or after the indicator runs out', async () => {
    const { aibek, a, b } = await twoUsers();
    const room = await group(aibek, [2]);
    a.store.dispatch(subscribeToConversation(room.id));
    await showWorkspace(b);
    await waitFor(() => statusOf(a, room.id) === 'open', 5000, 'A open');

    a.store.dispatch(userTyping({ conversationId: room.id }));
    // Told at most once per 3 s: the second and third are not sent.
    a.store.dispatch(userTyping({ conversationId: room.id }));
    a.store.dispatch(userTyping({ conversationId: room.id }));
    await waitFor(
      () => selectTypingUserIds(b.store.getState(), room.id).includes(1),
      3000,
      'A typing, seen by B',
    );
    expect(
      a.sockets.sentFrames.filter((frame) => (frame as { type: string }).type === 'typing'),
    ).toEqual([{ type: 'typing', payload: { conversation_id: room.id } }]);
    // Nobody sees their own typing.
    expect(selectTypingUserIds(a.store.getState(), room.id)).toEqual([]);

    a.store.dispatch(submitMessage({ conversationId: room.id, text: 'typed it' }));
    await waitFor(() => texts(b, room.id).includes('typed it'), 3000, 'the message at B');
    expect(selectTypingUserIds(b.store.getState(), room.id)).toEqual([]);

    // Typing right after one's own message is news: sent and relayed at once, not 3 s later.
    a.store.dispatch(userTyping({ conversationId: room.id }));
    expect(
      a.sockets.sentFrames.filter((frame) => (frame as { type: string }).type === 'typing'),
    ).toHaveLength(2);
    await waitFor(
      () => selectTypingUserIds(b.store.getState(), room.id).includes(1),
      2000,
      'A typing right after the message, seen by B',
    );

    // Past the throttle, typing again shows again, and then runs out by itself (about 6 s).
    await waitFor(
      () => {
        a.store.dispatch(userTyping({ conversationId: room.id }));
        return selectTypingUserIds(b.store.getState(), room.id).includes(1);
      },
      6000,
      'A typing again',
    );
    await waitFor(
      () => selectTypingUserIds(b.store.getState(), room.id).length === 0,
      9000,
      'the indicator ran out',
    );
  }, 30_000);

  it('shows presence: online while the other has a socket, offline with a last-seen time after', async () => {
    const { aibek, a, b } = await twoUsers({ presenceOfflineDelayMs: 50 });
    await group(aibek, [2]);
    await showWorkspace(b);
    expect(selectPresence(b.store.getState(), 1)?.online).toBeFalsy();
    await showWorkspace(a);
    await waitFor(() => selectPresence(b.store.getState(), 1)?.online === true, 3000, 'A online');
    a.chat.dispose();
    const offline = await waitFor(
      () => {
        const presence = selectPresence(b.store.getState(), 1);
        return presence && !presence.online ? presence : null;
      },
      3000,
      'A offline',
    );
    expect(Number.isNaN(Date.parse(offline.lastSeenAt ?? ''))).toBe(false);
  });

  it('asks GET /presence/ when it does not use the stream (socket.stream: never)', async () => {
    const server = await serve();
    const [aibek, aizada] = [await server.login('aibek'), await server.login('aizada')];
    await group(aibek, [2]);
    const a = storeFor(server, aibek);
    await showWorkspace(a);
    const b = storeFor(server, aizada, 'never');
    b.store.dispatch(subscribeToWorkspace());
    await waitFor(() => selectPresence(b.store.getState(), 1)?.online === true, 3000, 'A online');
    expect(b.sockets.urls.some(isStream)).toBe(false);
  });

  it('keeps presence live without the stream: GET /presence/ again every PRESENCE_POLL_MS while the workspace is shown, none once hidden', async () => {
    const server = await serve({ presenceOfflineDelayMs: 50 });
    const [aibek, aizada] = [await server.login('aibek'), await server.login('aizada')];
    await group(aibek, [2]);
    const a = storeFor(server, aibek);
    await showWorkspace(a);
    // B's clock runs the poll interval in 50 ms instead of 30 s; every other timer as it is.
    const clock = createDefaultEnvironment();
    const polls = new Set<unknown>();
    const environment: ChatEnvironment = {
      ...clock,
      setTimeout: (fn, ms) => {
        if (ms !== PRESENCE_POLL_MS) return clock.setTimeout(fn, ms);
        const handle = clock.setTimeout(() => {
          polls.delete(handle);
          fn();
        }, 50);
        polls.add(handle);
        return handle;
      },
      clearTimeout: (handle) => {
        polls.delete(handle);
        clock.clearTimeout(handle);
      },
    };
    const sockets = recordingSockets();
    const b = createChatStore(server, aizada, {
      environment,
      socket: { factory: sockets.factory, stream: 'never' },
    });
    harnesses.push(b);
    const presenceAsked = () =>
      b.actions.filter(
        (action) =>
          action.type === 'chatApi/executeQuery/pending' &&
          (action as { meta?: { arg?: { endpointName?: string } } }).meta?.arg?.endpointName ===
            'getPresence',
      ).length;
    b.store.dispatch(subscribeToWorkspace());
    await waitFor(() => selectPresence(b.store.getState(), 1)?.online === true, 3000, 'A online');
    // A leaves: B learns it from a later answer, not from a stream it does not have.
    a.chat.dispose();
    const offline = await waitFor(
      () => {
        const presence = selectPresence(b.store.getState(), 1);
        return presence && !presence.online ? presence : null;
      },
      5000,
      'A offline at B',
    );
    expect(Number.isNaN(Date.parse(offline.lastSeenAt ?? ''))).toBe(false);
    expect(presenceAsked()).toBeGreaterThan(1);
    expect(sockets.urls.some(isStream)).toBe(false);

    // The workspace hidden: the poll stops (no timer left once the last answer is in).
    b.store.dispatch(workspaceUnsubscribed());
    await waitFor(
      () =>
        Object.values(b.store.getState().chatApi.queries).every(
          (query) => query?.endpointName !== 'getPresence' || query.status !== 'pending',
        ),
      3000,
      'no presence request on its way',
    );
    expect(polls.size).toBe(0);
    const asked = presenceAsked();
    // Shown again: polling starts over at once.
    b.store.dispatch(subscribeToWorkspace());
    await waitFor(() => presenceAsked() > asked, 3000, 'asked again');
    // And the session's end stops it too.
    b.chat.dispose();
    expect(polls.size).toBe(0);
  });

  it('marks our message in a private chat delivered while the other is online, read once seen', async () => {
    const { aibek, a, b } = await twoUsers();
    const chat = await create(aibek, { type: 'private', participant_ids: [2] });
    await showWorkspace(a);
    await showWorkspace(b);
    await waitFor(() => selectPresence(a.store.getState(), 2)?.online === true, 3000, 'B online');
    a.store.dispatch(subscribeToConversation(chat.id));
    await waitFor(() => statusOf(a, chat.id) === 'open', 5000, 'A open');
    a.store.dispatch(submitMessage({ conversationId: chat.id, text: 'доставлено?' }));
    const [mine] = await waitFor(
      () => {
        const shown = selectMessagesOfConversation(a.store.getState(), chat.id);
        return shown[0]?.status === 'sent' ? shown : null;
      },
      5000,
      'sent',
    );
    expect(selectReceipt(a.store.getState(), chat.id, mine!.id)).toBe('delivered');
    b.store.dispatch(subscribeToConversation(chat.id));
    await waitFor(() => texts(b, chat.id).includes('доставлено?'), 5000, 'at B');
    const theirs = selectMessagesOfConversation(b.store.getState(), chat.id)[0]!;
    b.store.dispatch(
      messagesSeen({ conversationId: chat.id, messageId: theirs.id, createdMs: theirs.created_ms }),
    );
    await waitFor(
      () => selectReceipt(a.store.getState(), chat.id, mine!.id) === 'read',
      5000,
      'read',
    );
  });

  it('drops a conversation we are removed from, and one that is deleted', async () => {
    const { aibek, b } = await twoUsers();
    const [removedFrom, deleted, kept] = [
      await group(aibek, [2]),
      await group(aibek, [2]),
      await group(aibek, [2]),
    ];
    await showWorkspace(b);
    expect(listed(b).sort()).toEqual([removedFrom.id, deleted.id, kept.id].sort());
    await aibek.request('DELETE', `${API}/conversations/${removedFrom.id}/participants/2`);
    await aibek.request('DELETE', `${API}/conversations/${deleted.id}`);
    await waitFor(() => listed(b).length === 1, 3000, 'two gone');
    expect(listed(b)).toEqual([kept.id]);
  });

  it('keeps the list preview live: new messages, edits and deletions', async () => {
    const { aibek, a, b } = await twoUsers();
    const room = await group(aibek, [2]);
    const first = await post(aibek, room.id, 'first');
    await showWorkspace(b);
    expect(selectLastMessage(b.store.getState(), room.id)?.text).toBe('first');
    const second = await post(aibek, room.id, 'second');
    await waitFor(
      () => selectLastMessage(b.store.getState(), room.id)?.text === 'second',
      3000,
      'new message previewed',
    );
    a.store.dispatch(subscribeToConversation(room.id));
    await waitFor(() => texts(a, room.id).length === 2, 5000, 'A has the history');
    await a.store.dispatch(
      chatApi.endpoints.editMessage.initiate({ id: second.id, text: 'second, edited' }),
    );
    await waitFor(
      () => selectLastMessage(b.store.getState(), room.id)?.text === 'second, edited',
      3000,
      'the edit previewed',
    );
    await aibek.request('DELETE', `${API}/messages/${second.id}`);
    await waitFor(
      () => selectLastMessage(b.store.getState(), room.id)?.id === first.id,
      3000,
      'the message before it previewed after the deletion',
    );
    // The order follows activity: a newer conversation goes first, a new message lifts an older one.
    const newer = await group(aibek, [2]);
    await waitFor(() => listed(b)[0] === newer.id, 3000, 'the new conversation first');
    await post(aibek, room.id, 'lifts it');
    await waitFor(() => listed(b)[0] === room.id, 3000, 'the active conversation first');
  });

  it('loses nothing when the stream drops while the other user sends: every message once, in order', async () => {
    const { aibek, aizada, b } = await twoUsers();
    const room = await group(aibek, [2]);
    b.store.dispatch(subscribeToConversation(room.id));
    await waitFor(() => statusOf(b, room.id) === 'open', 5000, 'B open');
    const sent: string[] = [];
    const sender = (async () => {
      for (let index = 0; index < 40; index += 1) {
        const text = `m${index}`;
        await post(aibek, room.id, text);
        sent.push(text);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    // Cut the stream three times while messages flow (a network fault: no close frame).
    for (let cut = 0; cut < 3; cut += 1) {
      await waitFor(() => sent.length >= (cut + 1) * 10, 10_000, `${(cut + 1) * 10} sent`);
      const open = b.sockets.raws.filter((raw) => raw.readyState === WebSocket.OPEN);
      expect(open).toHaveLength(1);
      open[0]!.terminate();
      await waitFor(() => statusOf(b, room.id) !== 'open', 3000, 'B noticed the cut');
    }
    await sender;
    await waitFor(() => texts(b, room.id).length >= 40, 10_000, 'B caught up');
    const onServer = await aizada.request<Message[]>('GET', `${API}/messages/${room.id}?limit=200`);
    expect(texts(b, room.id)).toEqual(onServer.body.map((message) => message.text));
    expect(texts(b, room.id)).toEqual(sent);
    expect(b.sockets.urls.every(isStream)).toBe(true);
    expect(b.sockets.urls.length).toBeGreaterThanOrEqual(4);
  }, 30_000);

  it('leaves nothing running when the session ends or the store is disposed with the probe, a read cursor and typing in flight', async () => {
    const { server, aibek } = await twoUsers();
    const room = await group(aibek, [2]);
    const message = await post(aibek, room.id, 'seen at once');
    // Each round stops at another point: before the probe answers, before the stream opens,
    // while the read cursor waits out its debounce or is on its way. Jest fails the test on
    // any promise that rejects unhandled meanwhile.
    for (let round = 0; round < 12; round += 1) {
      const harness = storeFor(server, aibek);
      harness.store.dispatch(subscribeToWorkspace());
      harness.store.dispatch(subscribeToConversation(room.id));
      harness.store.dispatch(
        messagesSeen({
          conversationId: room.id,
          messageId: message.id,
          createdMs: Date.parse(message.created_at),
        }),
      );
      harness.store.dispatch(userTyping({ conversationId: room.id }));
      await new Promise((resolve) => setTimeout(resolve, round * 60));
      if (round % 2) harness.store.dispatch(endChatSession());
      harness.chat.dispose();
      const after = harness.actions.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Nothing reaches the store once it is disposed but RTK's own note of the requests
      // dispose aborted: no late answer, timer or frame.
      const late = harness.actions
        .slice(after)
        .filter((action) => (action as { meta?: { aborted?: boolean } }).meta?.aborted !== true);
      expect(late.map((action) => action.type)).toEqual([]);
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
  }, 30_000);
});
