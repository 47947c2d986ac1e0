import type { ChatUser, Conversation, Message } from '../../src/api/types';
import { DEMO_USERS } from '../../server';
import { rawRequest, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import type { Cast } from './fixtures';
import {
  API,
  ISO_MS_UTC,
  UUID,
  createConversation,
  createGroup,
  loginAll,
  postMessage,
} from './fixtures';

let server: TestServer;
let cast: Cast;

beforeAll(async () => {
  server = await startTestServer();
  cast = await loginAll(server);
});

afterAll(() => server.close());

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('auth [ext]', () => {
  it('logs a demo user in with the password demo and returns tokens and the user', async () => {
    const { status, body } = await rawRequest<{ access: string; refresh: string; user: ChatUser }>(
      server.url,
      'POST',
      '/api/auth/login/',
      { body: { username: 'aizada', password: 'demo' } },
    );
    expect(status).toBe(200);
    expect(body.user).toEqual({ id: 2, username: 'aizada', full_name: 'Айзада Токтогулова' });
    expect(claimsOf(body.access)).toMatchObject({ user_id: 2, token_type: 'access' });
    expect(claimsOf(body.refresh)).toMatchObject({ user_id: 2, token_type: 'refresh' });
    const claims = claimsOf(body.access);
    expect(typeof claims.exp).toBe('number');
    expect(typeof claims.iat).toBe('number');
    expect(typeof claims.jti).toBe('string');
  });

  it('mints a different access token on every login, even within one second', async () => {
    const [first, second] = await Promise.all([server.login('bakyt'), server.login('bakyt')]);
    expect(first.access).not.toBe(second.access);
  });

  it('exchanges a refresh token for a new working access token', async () => {
    const { status, body } = await rawRequest<{ access: string }>(
      server.url,
      'POST',
      '/api/auth/refresh/',
      { body: { refresh: cast.elena.refresh } },
    );
    expect(status).toBe(200);
    expect(claimsOf(body.access)).toMatchObject({ user_id: 4, token_type: 'access' });
    const users = await rawRequest(server.url, 'GET', `${API}/users/`, { token: body.access });
    expect(users.status).toBe(200);
  });

  it('lists the demo users as the directory', async () => {
    const { status, body } = await cast.aibek.request<ChatUser[]>('GET', `${API}/users/`);
    expect(status).toBe(200);
    expect(body).toEqual(DEMO_USERS);
  });
});

describe('conversations', () => {
  it('creates a group with the creator among the sorted participant ids', async () => {
    const { status, body } = await cast.bakyt.request<Conversation>(
      'POST',
      `${API}/conversations/`,
      {
        type: 'group',
        title: '  Project  ',
        participant_ids: [4, 1, 4],
        service: 'admissions',
        service_id: 'A-17',
        unknown_field: 'ignored',
      },
    );
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(UUID),
      type: 'group',
      title: 'Project',
      created_by: 3,
      created_at: expect.stringMatching(ISO_MS_UTC),
      service: 'admissions',
      service_id: 'A-17',
      participant_ids: [1, 3, 4],
      last_message: null,
      last_read_message_id: null,
      unread_count: 0,
      read_cursors: [
        { user_id: 1, last_read_message_id: null },
        { user_id: 4, last_read_message_id: null },
      ],
    });
  });

  it('stores an empty title as null', async () => {
    const conversation = await createConversation(cast.aibek, { type: 'group', title: '   ' });
    expect(conversation.title).toBeNull();
    expect(conversation.participant_ids).toEqual([1]);
  });

  it('returns the existing private conversation (200) instead of creating a second one', async () => {
    const first = await createConversation(cast.aizada, { type: 'private', participant_ids: [4] });
    expect(first.participant_ids).toEqual([2, 4]);
    const again = await cast.elena.request<Conversation>('POST', `${API}/conversations/`, {
      type: 'private',
      participant_ids: [2],
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.id);
  });

  it('reads one conversation by id, with or without a trailing slash', async () => {
    const group = await createGroup(cast.aibek, [cast.aizada]);
    for (const path of [`${API}/conversations/${group.id}`, `${API}/conversations/${group.id}/`]) {
      const { status, body } = await cast.aizada.request<Conversation>('GET', path);
      expect(status).toBe(200);
      // The read state is the caller's own: aizada sees aibek's cursor, he saw hers.
      expect(body).toEqual({
        ...group,
        read_cursors: [{ user_id: 1, last_read_message_id: null }],
      });
    }
  });

  it('lists only the caller’s conversations, most recent activity first', async () => {
    const older = await createGroup(cast.elena, [cast.bakyt], 'older');
    const newer = await createGroup(cast.elena, [], 'newer');
    await postMessage(cast.elena, older.id, 'wakes the older one up');
    const { status, body } = await cast.elena.request<Conversation[]>(
      'GET',
      `${API}/conversations/`,
    );
    expect(status).toBe(200);
    const ids = body.map((conversation) => conversation.id);
    expect(ids.indexOf(older.id)).toBeLessThan(ids.indexOf(newer.id));
    expect(body.every((conversation) => conversation.participant_ids?.includes(4))).toBe(true);
    expect(body.find((c) => c.id === older.id)?.last_message?.text).toBe('wakes the older one up');
  });

  it('deletes a conversation with its messages (204), after which it is gone', async () => {
    const group = await createGroup(cast.aibek, [cast.aizada]);
    const message = await postMessage(cast.aizada, group.id, 'soon gone');
    const removed = await cast.aibek.request('DELETE', `${API}/conversations/${group.id}`);
    expect(removed).toEqual({ status: 204, body: null });
    expect((await cast.aibek.request('GET', `${API}/conversations/${group.id}`)).status).toBe(404);
    expect((await cast.aizada.request('GET', `${API}/messages/${group.id}`)).status).toBe(404);
    const edit = await cast.aizada.request('PUT', `${API}/messages/${message.id}`, { text: 'x' });
    expect(edit.status).toBe(404);
  });
});

describe('messages', () => {
  it('sends a message (201) with its text verbatim (spaces kept), millisecond UTC time and a v7 id', async () => {
    const group = await createGroup(cast.aibek, [cast.aizada]);
    const clientId = crypto.randomUUID();
    const { status, body } = await cast.aizada.request<Message>('POST', `${API}/messages/`, {
      conversation_id: group.id,
      sender_id: 2,
      text: '  Салам!  ',
      reply_to: null,
      client_id: clientId,
    });
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(UUID),
      conversation_id: group.id,
      sender_id: 2,
      text: '  Салам!  ',
      reply_to: null,
      is_edited: false,
      created_at: expect.stringMatching(ISO_MS_UTC),
      client_id: clientId,
      updated_at: null,
    });
  });

  it('lists messages oldest first and keeps replies pointing at their original', async () => {
    const group = await createGroup(cast.aibek, [cast.bakyt]);
    const first = await postMessage(cast.aibek, group.id, 'first');
    const reply = await postMessage(cast.bakyt, group.id, 'reply', { reply_to: first.id });
    const { status, body } = await cast.bakyt.request<Message[]>(
      'GET',
      `${API}/messages/${group.id}`,
    );
    expect(status).toBe(200);
    expect(body.map((message) => message.text)).toEqual(['first', 'reply']);
    expect(body[1]).toEqual(reply);
    expect(reply.reply_to).toBe(first.id);
  });

  it('edits a message: new text, is_edited true and an updated_at', async () => {
    const group = await createGroup(cast.aibek, []);
    const message = await postMessage(cast.aibek, group.id, 'typo');
    const { status, body } = await cast.aibek.request<Message>(
      'PUT',
      `${API}/messages/${message.id}/`,
      {
        text: 'fixed',
      },
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      ...message,
      text: 'fixed',
      is_edited: true,
      updated_at: expect.stringMatching(ISO_MS_UTC),
    });
    const list = await cast.aibek.request<Message[]>('GET', `${API}/messages/${group.id}`);
    expect(list.body).toEqual([body]);
  });

  it('deletes a message (204): it leaves the list and last_message falls back', async () => {
    const group = await createGroup(cast.aibek, []);
    const kept = await postMessage(cast.aibek, group.id, 'kept');
    const gone = await postMessage(cast.aibek, group.id, 'gone');
    expect(await cast.aibek.request('DELETE', `${API}/messages/${gone.id}`)).toEqual({
      status: 204,
      body: null,
    });
    const list = await cast.aibek.request<Message[]>('GET', `${API}/messages/${group.id}`);
    expect(list.body.map((message) => message.id)).toEqual([kept.id]);
    const conversation = await cast.aibek.request<Conversation>(
      'GET',
      `${API}/conversations/${group.id}`,
    );
    expect(conversation.body.last_message).toEqual(kept);
    expect((await cast.aibek.request('DELETE', `${API}/messages/${gone.id}`)).status).toBe(404);
    const edit = await cast.aibek.request('PUT', `${API}/messages/${gone.id}`, { text: 'back?' });
    expect(edit.status).toBe(404);
  });
});

describe('participants', () => {
  it('adds a participant (201 {conversation_id, user_id}) who then sees the conversation', async () => {
    const group = await createGroup(cast.aibek, [cast.aizada]);
    const added = await cast.aizada.request(
      'POST',
      `${API}/conversations/${group.id}/participants/`,
      {
        user_id: 3,
      },
    );
    expect(added).toEqual({ status: 201, body: { conversation_id: group.id, user_id: 3 } });
    const seen = await cast.bakyt.request<Conversation>('GET', `${API}/conversations/${group.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.participant_ids).toEqual([1, 2, 3]);
  });

  it('removes a participant (204) who then no longer sees the conversation', async () => {
    const group = await createGroup(cast.aibek, [cast.aizada, cast.bakyt]);
    const removed = await cast.aibek.request(
      'DELETE',
      `${API}/conversations/${group.id}/participants/3`,
    );
    expect(removed).toEqual({ status: 204, body: null });
    expect((await cast.bakyt.request('GET', `${API}/conversations/${group.id}`)).status).toBe(404);
    const left = await cast.aizada.request(
      'DELETE',
      `${API}/conversations/${group.id}/participants/2/`,
    );
    expect(left.status).toBe(204);
    const after = await cast.aibek.request<Conversation>('GET', `${API}/conversations/${group.id}`);
    expect(after.body.participant_ids).toEqual([1]);
  });
});

describe('paths', () => {
  it.each([
    ['GET', '/conversations'],
    ['GET', '/conversations/'],
    ['GET', '/users'],
    ['GET', '/users/'],
  ])('answers %s %s with 200', async (method, path) => {
    expect((await cast.aibek.request(method, API + path)).status).toBe(200);
  });

  it('accepts every id path with and without a trailing slash', async () => {
    const group = await createGroup(cast.aibek, [cast.aizada]);
    for (const slash of ['', '/']) {
      const message = await cast.aibek.request<Message>('POST', `${API}/messages${slash}`, {
        conversation_id: group.id,
        sender_id: 1,
        text: `slash "${slash}"`,
      });
      expect(message.status).toBe(201);
      const id = message.body.id;
      expect((await cast.aibek.request('GET', `${API}/messages/${group.id}${slash}`)).status).toBe(
        200,
      );
      const put = await cast.aibek.request('PUT', `${API}/messages/${id}${slash}`, {
        text: 'edited',
      });
      expect(put.status).toBe(200);
      expect((await cast.aibek.request('DELETE', `${API}/messages/${id}${slash}`)).status).toBe(
        204,
      );
      const participants = `${API}/conversations/${group.id}/participants`;
      expect((await cast.aibek.request('POST', participants + slash, { user_id: 3 })).status).toBe(
        201,
      );
      expect((await cast.aibek.request('DELETE', `${participants}/3${slash}`)).status).toBe(204);
    }
    const login = await rawRequest(server.url, 'POST', '/api/auth/login', {
      body: { username: 'elena', password: 'demo' },
    });
    expect(login.status).toBe(200);
  });
});
