/**
 * The membership policy, over REST and sockets:
 * - any participant of a group adds users; only the creator removes others;
 *   anyone but the creator leaves; the creator deletes instead of leaving;
 * - a user the creator removed is added back by the creator only (anyone else: 403
 *   `removed_by_creator`), while a user who left may be added back by anyone;
 * - a removed user's sockets close with 4403, and a new socket of theirs gets 4404.
 */
import type { Conversation, Message } from '../../src/api/types';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';
import type { Cast } from './fixtures';
import {
  API,
  closeAll,
  createGroup,
  expectNothingPending,
  loginAll,
  postMessage,
} from './fixtures';

let server: TestServer;
let cast: Cast;

beforeAll(async () => {
  server = await startTestServer({ rateLimits: false });
  cast = await loginAll(server);
});

afterAll(() => server.close());

const add = (by: Session, group: Conversation, userId: number) =>
  by.request<{ code?: string }>('POST', `${API}/conversations/${group.id}/participants/`, {
    user_id: userId,
  });

const remove = (by: Session, group: Conversation, userId: number) =>
  by.request<{ code?: string }>(
    'DELETE',
    `${API}/conversations/${group.id}/participants/${userId}`,
  );

/** aibek (id 1) creates a group with aizada (2) and bakyt (3); elena (4) is outside. */
const newGroup = () => createGroup(cast.aibek, [cast.aizada, cast.bakyt]);

describe('membership policy over REST', () => {
  it.each([
    ['the creator', 'aibek', 201],
    ['another participant', 'aizada', 201],
  ] as const)('%s adds a new user', async (_who, by, status) => {
    const group = await newGroup();
    expect((await add(cast[by], group, 4)).status).toBe(status);
  });

  it('an outsider cannot add anyone (404, like a conversation that does not exist)', async () => {
    const group = await newGroup();
    expect((await add(cast.elena, group, 4)).status).toBe(404);
  });

  it('only the creator removes others', async () => {
    const group = await newGroup();
    const refused = await remove(cast.aizada, group, 3);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
    expect((await remove(cast.aibek, group, 3)).status).toBe(204);
  });

  it('anyone but the creator leaves; the creator deletes instead', async () => {
    const group = await newGroup();
    expect((await remove(cast.bakyt, group, 3)).status).toBe(204);
    const creator = await remove(cast.aibek, group, 1);
    expect(creator.status).toBe(409);
    expect(creator.body.code).toBe('creator_cannot_leave');
  });

  it('only the creator adds back a user the creator removed', async () => {
    const group = await newGroup();
    expect((await remove(cast.aibek, group, 3)).status).toBe(204);
    const byMember = await add(cast.aizada, group, 3);
    expect(byMember.status).toBe(403);
    expect(byMember.body.code).toBe('removed_by_creator');
    // The removed user is an outsider now: they cannot add themselves either.
    expect((await add(cast.bakyt, group, 3)).status).toBe(404);
    expect((await add(cast.aibek, group, 3)).status).toBe(201);
  });

  it('lets any participant add back a user who left on their own', async () => {
    const group = await newGroup();
    expect((await remove(cast.bakyt, group, 3)).status).toBe(204);
    expect((await add(cast.aizada, group, 3)).status).toBe(201);
  });

  it('forgets a removal once the creator undid it: after leaving, anyone may add them again', async () => {
    const group = await newGroup();
    await remove(cast.aibek, group, 3);
    await add(cast.aibek, group, 3);
    await remove(cast.bakyt, group, 3);
    expect((await add(cast.aizada, group, 3)).status).toBe(201);
  });

  it('keeps a removal through other changes: a second removal is still the creator’s to undo', async () => {
    const group = await newGroup();
    await remove(cast.aibek, group, 3);
    await add(cast.aizada, group, 4);
    expect((await add(cast.elena, group, 3)).body.code).toBe('removed_by_creator');
  });

  it('hides what was said while a user was removed until the creator adds them back', async () => {
    const group = await newGroup();
    await remove(cast.aibek, group, 3);
    await postMessage(cast.aizada, group.id, 'said while bakyt was out');
    expect((await cast.bakyt.request('GET', `${API}/messages/${group.id}`)).status).toBe(404);
    expect((await add(cast.aizada, group, 3)).status).toBe(403);
    expect((await cast.bakyt.request('GET', `${API}/messages/${group.id}`)).status).toBe(404);
  });

  it('a private conversation has no participant changes at all', async () => {
    const privateChat = (
      await cast.bakyt.request<Conversation>('POST', `${API}/conversations/`, {
        type: 'private',
        participant_ids: [4],
      })
    ).body;
    for (const answer of [
      await add(cast.bakyt, privateChat, 1),
      await remove(cast.bakyt, privateChat, 4),
      await remove(cast.elena, privateChat, 4),
    ]) {
      expect(answer.status).toBe(409);
    }
  });
});

describe('membership policy over sockets', () => {
  it('closes a removed user’s sockets with 4403, refuses their new socket with 4404, and admits them again once added back', async () => {
    const group = await newGroup();
    const [creator, removed] = await Promise.all([
      server.openSocket(group.id, cast.aibek.access),
      server.openSocket(group.id, cast.bakyt.access),
    ]);
    await remove(cast.aibek, group, 3);
    await creator.nextFrame((frame) => frame.type === 'participant:removed');
    expect(await removed.closed).toEqual({ code: 4403, reason: 'removed from conversation' });
    const again = await server.openSocket(group.id, cast.bakyt.access);
    expect((await again.closed).code).toBe(4404);

    // A member's attempt to bring them back changes nothing, not even a frame.
    expect((await add(cast.aizada, group, 3)).status).toBe(403);
    await expectNothingPending(creator);
    expect((await server.openSocket(group.id, cast.bakyt.access).then((s) => s.closed)).code).toBe(
      4404,
    );

    await add(cast.aibek, group, 3);
    await creator.nextFrame((frame) => frame.type === 'participant:added');
    const back = await server.openSocket(group.id, cast.bakyt.access);
    back.send({ type: 'message:send', payload: { text: 'back', client_id: crypto.randomUUID() } });
    const echo = await back.nextFrame<Message>((frame) => frame.type === 'message:new');
    expect(echo.payload).toMatchObject({ sender_id: 3, text: 'back' });
    await closeAll(creator, back);
  });

  it('lets a user who left be re-added by a member and reopen their socket', async () => {
    const group = await newGroup();
    const leaving = await server.openSocket(group.id, cast.bakyt.access);
    await remove(cast.bakyt, group, 3);
    expect((await leaving.closed).code).toBe(4403);
    expect((await add(cast.aizada, group, 3)).status).toBe(201);
    const back = await server.openSocket(group.id, cast.bakyt.access);
    await expectNothingPending(back);
    await closeAll(back);
  });

  it('answers an outsider’s socket 4404 whether the conversation exists or not', async () => {
    const group = await newGroup();
    const existing = await server.openSocket(group.id, cast.elena.access);
    const missing = await server.openSocket(
      '01890a5d-ac96-774b-b9aa-000000000000',
      cast.elena.access,
    );
    const [a, b] = await Promise.all([existing.closed, missing.closed]);
    expect(a).toEqual(b);
    expect(a).toEqual({ code: 4404, reason: 'conversation not found' });
  });
});
