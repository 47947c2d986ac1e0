import type { Conversation, Message } from '../../src/api/types';
import WebSocket from 'ws';
import { rawRequest, startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';
import type { Cast } from './fixtures';
import { API, closeAll, createGroup, loginAll, postMessage } from './fixtures';

let server: TestServer;
let cast: Cast;

beforeAll(async () => {
  server = await startTestServer();
  cast = await loginAll(server);
});

afterAll(() => server.close());

type Role = 'creator' | 'sender' | 'participant' | 'outsider';

/**
 * A fresh world per row: aibek creates a group with aizada and bakyt; aizada
 * sent a message in it; aibek and aizada share a private conversation; elena
 * takes part in neither.
 */
interface World {
  group: Conversation;
  message: Message;
  privateChat: Conversation;
  as: Record<Role, Session>;
}

async function buildWorld(): Promise<World> {
  const group = await createGroup(cast.aibek, [cast.aizada, cast.bakyt]);
  const message = await postMessage(cast.aizada, group.id, 'hello');
  // Created by the first world, then returned as the existing one (200) to every later world.
  const privateChat = (
    await cast.aibek.request<Conversation>('POST', `${API}/conversations/`, {
      type: 'private',
      participant_ids: [2],
    })
  ).body;
  return {
    group,
    message,
    privateChat,
    as: { creator: cast.aibek, sender: cast.aizada, participant: cast.bakyt, outsider: cast.elena },
  };
}

interface Rule {
  rule: string;
  role: Role;
  status: number;
  call(world: World, session: Session): Promise<{ status: number }>;
}

const rules: Rule[] = [
  // Seeing a conversation and its messages.
  ...(['creator', 'sender', 'participant'] as const).map((role) => ({
    rule: 'a participant reads the conversation',
    role,
    status: 200,
    call: (w: World, s: Session) => s.request('GET', `${API}/conversations/${w.group.id}`),
  })),
  {
    rule: 'a non-participant cannot see the conversation',
    role: 'outsider',
    status: 404,
    call: (w, s) => s.request('GET', `${API}/conversations/${w.group.id}`),
  },
  {
    rule: 'a participant reads the messages',
    role: 'participant',
    status: 200,
    call: (w, s) => s.request('GET', `${API}/messages/${w.group.id}`),
  },
  {
    rule: 'a non-participant cannot read the messages',
    role: 'outsider',
    status: 404,
    call: (w, s) => s.request('GET', `${API}/messages/${w.group.id}`),
  },
  {
    rule: 'a non-participant cannot see a private conversation of others',
    role: 'participant',
    status: 404,
    call: (w, s) => s.request('GET', `${API}/conversations/${w.privateChat.id}`),
  },
  // Sending.
  {
    rule: 'a participant sends as themselves',
    role: 'participant',
    status: 201,
    call: (w, s) =>
      s.request('POST', `${API}/messages/`, {
        conversation_id: w.group.id,
        sender_id: s.user.id,
        text: 'hi',
      }),
  },
  {
    rule: 'nobody sends in the name of someone else',
    role: 'participant',
    status: 403,
    call: (w, s) =>
      s.request('POST', `${API}/messages/`, {
        conversation_id: w.group.id,
        sender_id: 1,
        text: 'hi',
      }),
  },
  {
    rule: 'a non-participant cannot send',
    role: 'outsider',
    status: 404,
    call: (w, s) =>
      s.request('POST', `${API}/messages/`, {
        conversation_id: w.group.id,
        sender_id: s.user.id,
        text: 'hi',
      }),
  },
  {
    rule: 'reply_to must name a message of the same conversation',
    role: 'creator',
    status: 422,
    call: async (w, s) => {
      const elsewhere = await postMessage(s, w.privateChat.id, 'other conversation');
      return s.request('POST', `${API}/messages/`, {
        conversation_id: w.group.id,
        sender_id: s.user.id,
        text: 'reply',
        reply_to: elsewhere.id,
      });
    },
  },
  // Editing and deleting messages.
  {
    rule: 'the sender edits their message',
    role: 'sender',
    status: 200,
    call: (w, s) => s.request('PUT', `${API}/messages/${w.message.id}`, { text: 'edited' }),
  },
  ...(['creator', 'participant'] as const).map((role) => ({
    rule: 'nobody but the sender edits a message',
    role,
    status: 403,
    call: (w: World, s: Session) =>
      s.request('PUT', `${API}/messages/${w.message.id}`, { text: 'edited' }),
  })),
  {
    rule: 'a non-participant cannot see a message to edit it',
    role: 'outsider',
    status: 404,
    call: (w, s) => s.request('PUT', `${API}/messages/${w.message.id}`, { text: 'edited' }),
  },
  {
    rule: 'the sender deletes their message',
    role: 'sender',
    status: 204,
    call: (w, s) => s.request('DELETE', `${API}/messages/${w.message.id}`),
  },
  ...(['creator', 'participant'] as const).map((role) => ({
    rule: 'nobody but the sender deletes a message',
    role,
    status: 403,
    call: (w: World, s: Session) => s.request('DELETE', `${API}/messages/${w.message.id}`),
  })),
  {
    rule: 'a non-participant cannot see a message to delete it',
    role: 'outsider',
    status: 404,
    call: (w, s) => s.request('DELETE', `${API}/messages/${w.message.id}`),
  },
  // Deleting conversations.
  {
    rule: 'the creator deletes the conversation',
    role: 'creator',
    status: 204,
    call: (w, s) => s.request('DELETE', `${API}/conversations/${w.group.id}`),
  },
  ...(['sender', 'participant'] as const).map((role) => ({
    rule: 'a participant who is not the creator cannot delete the conversation',
    role,
    status: 403,
    call: (w: World, s: Session) => s.request('DELETE', `${API}/conversations/${w.group.id}`),
  })),
  {
    rule: 'a non-participant cannot see the conversation to delete it',
    role: 'outsider',
    status: 404,
    call: (w, s) => s.request('DELETE', `${API}/conversations/${w.group.id}`),
  },
  // Participants.
  ...(['creator', 'participant'] as const).map((role) => ({
    rule: 'any participant of a group adds members',
    role,
    status: 201,
    call: (w: World, s: Session) =>
      s.request('POST', `${API}/conversations/${w.group.id}/participants/`, { user_id: 4 }),
  })),
  {
    rule: 'a non-participant cannot add members',
    role: 'outsider',
    status: 404,
    call: (w, s) =>
      s.request('POST', `${API}/conversations/${w.group.id}/participants/`, { user_id: 4 }),
  },
  {
    rule: 'adding someone who already takes part is a conflict',
    role: 'participant',
    status: 409,
    call: (w, s) =>
      s.request('POST', `${API}/conversations/${w.group.id}/participants/`, { user_id: 2 }),
  },
  {
    rule: 'the creator removes anyone',
    role: 'creator',
    status: 204,
    call: (w, s) => s.request('DELETE', `${API}/conversations/${w.group.id}/participants/3`),
  },
  {
    rule: 'anyone removes themselves',
    role: 'participant',
    status: 204,
    call: (w, s) => s.request('DELETE', `${API}/conversations/${w.group.id}/participants/3`),
  },
  {
    rule: 'a participant cannot remove someone else',
    role: 'participant',
    status: 403,
    call: (w, s) => s.request('DELETE', `${API}/conversations/${w.group.id}/participants/2`),
  },
  {
    rule: 'a non-participant cannot remove anyone',
    role: 'outsider',
    status: 404,
    call: (w, s) => s.request('DELETE', `${API}/conversations/${w.group.id}/participants/3`),
  },
  {
    rule: 'the creator cannot leave (delete the conversation instead)',
    role: 'creator',
    status: 409,
    call: (w, s) => s.request('DELETE', `${API}/conversations/${w.group.id}/participants/1`),
  },
  {
    rule: 'a private conversation takes no new members',
    role: 'creator',
    status: 409,
    call: (w, s) =>
      s.request('POST', `${API}/conversations/${w.privateChat.id}/participants/`, { user_id: 3 }),
  },
  {
    rule: 'nobody leaves a private conversation',
    role: 'sender',
    status: 409,
    call: (w, s) => s.request('DELETE', `${API}/conversations/${w.privateChat.id}/participants/2`),
  },
  {
    rule: 'a private conversation with an existing partner is the existing one',
    role: 'sender',
    status: 200,
    call: async (w, s) => {
      const again = await s.request<Conversation>('POST', `${API}/conversations/`, {
        type: 'private',
        participant_ids: [1],
      });
      expect(again.body.id).toBe(w.privateChat.id);
      return again;
    },
  },
];

describe('authorization over REST', () => {
  it.each(rules.map((rule) => [`${rule.rule} (${rule.role} → ${rule.status})`, rule] as const))(
    '%s',
    async (_name, rule) => {
      const world = await buildWorld();
      const response = await rule.call(world, world.as[rule.role]);
      expect(response.status).toBe(rule.status);
    },
  );

  it('forgets a removed participant: the conversation answers 404 from then on', async () => {
    const world = await buildWorld();
    await cast.aibek.request('DELETE', `${API}/conversations/${world.group.id}/participants/3`);
    const after = await cast.bakyt.request('GET', `${API}/messages/${world.group.id}`);
    expect(after.status).toBe(404);
  });

  it.each([
    ['GET', '/users/'],
    ['GET', '/conversations/'],
    ['POST', '/conversations/'],
    ['GET', '/conversations/00000000-0000-7000-8000-000000000000'],
    ['DELETE', '/conversations/00000000-0000-7000-8000-000000000000'],
    ['POST', '/messages/'],
    ['GET', '/messages/00000000-0000-7000-8000-000000000000'],
    ['PUT', '/messages/00000000-0000-7000-8000-000000000000'],
    ['DELETE', '/messages/00000000-0000-7000-8000-000000000000'],
    ['POST', '/conversations/00000000-0000-7000-8000-000000000000/participants/'],
    ['DELETE', '/conversations/00000000-0000-7000-8000-000000000000/participants/1'],
  ])('answers 401 to %s %s without a token', async (method, path) => {
    const { status, body } = await rawRequest<{ detail: string }>(server.url, method, API + path, {
      body: method === 'POST' || method === 'PUT' ? {} : undefined,
    });
    expect(status).toBe(401);
    expect(body.detail).toEqual(expect.any(String));
  });

  it('does not take a refresh token as an access token', async () => {
    const { status, body } = await rawRequest<{ code: string }>(
      server.url,
      'GET',
      `${API}/users/`,
      {
        token: cast.aibek.refresh,
      },
    );
    expect(status).toBe(401);
    expect(body.code).toBe('token_invalid');
  });

  it('does not take an access token as a refresh token', async () => {
    const { status } = await rawRequest(server.url, 'POST', '/api/auth/refresh/', {
      body: { refresh: cast.aibek.access },
    });
    expect(status).toBe(401);
  });
});

describe('authorization over WebSocket', () => {
  it.each([
    ['keeps the socket of a participant open', 'bakyt', 'group', null],
    ['keeps the socket of the creator open', 'aibek', 'group', null],
    // Like REST's 404: an outsider cannot tell a conversation of others from none at all.
    ['closes the socket of a non-participant with 4404', 'elena', 'group', 4404],
    ['closes a socket for a conversation that does not exist with 4404', 'aibek', 'missing', 4404],
    ['closes a socket for an id that is not a UUID with 4404', 'aibek', 'not-a-uuid', 4404],
  ] as const)('%s', async (_name, user, target, code) => {
    const world = await buildWorld();
    const session = cast[user];
    const id =
      target === 'group'
        ? world.group.id
        : target === 'missing'
          ? '00000000-0000-7000-8000-000000000000'
          : target;
    const socket = await server.openSocket(id, session.access);
    if (code === null) {
      socket.send({ type: 'ping' });
      expect((await socket.nextFrame()).type).toBe('pong');
      await closeAll(socket);
    } else {
      expect((await socket.closed).code).toBe(code);
    }
  });

  it.each([
    ['no token', ''],
    ['a malformed token', 'not.a.jwt'],
    ['a refresh token', 'refresh'],
  ])('closes with 4401 for %s', async (_name, token) => {
    const world = await buildWorld();
    const value = token === 'refresh' ? cast.aibek.refresh : token;
    const url =
      token === ''
        ? server.socketUrl(world.group.id, '').replace(/\?.*$/, '')
        : server.socketUrl(world.group.id, value);
    const raw = new WebSocket(url);
    const closed = await new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)));
    expect(closed).toBe(4401);
  });

  it('refuses a socket for a participant who was removed with 4404, as for any outsider', async () => {
    const world = await buildWorld();
    await cast.bakyt.request('DELETE', `${API}/conversations/${world.group.id}/participants/3`);
    const socket = await server.openSocket(world.group.id, cast.bakyt.access);
    expect((await socket.closed).code).toBe(4404);
  });
});
