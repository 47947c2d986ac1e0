/**
 * [ext] "Changes since": `GET /messages/{conversation_id}/changes/?since=<cursor>&limit=<n>`
 * lists the messages of a conversation edited or deleted after the cursor
 * (edited ones in their current state, deleted ones as tombstones; creations
 * are not listed), each once, in the order of its latest change.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conversation, Message } from '../../src/api/types';
import { rawRequest, startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';
import type { Cast } from './fixtures';
import { API, createGroup, loginAll, postMessage } from './fixtures';

interface ChangesPage {
  cursor: string;
  messages: Message[];
  deleted: { id: string; conversation_id: string }[];
  has_more: boolean;
}

let server: TestServer;
let cast: Cast;

beforeAll(async () => {
  server = await startTestServer({ rateLimits: false });
  cast = await loginAll(server);
});

afterAll(() => server.close());

function changesOf(session: Session, conversationId: string, query = '', slash = '/') {
  return session.request<ChangesPage & { code?: string; detail?: string }>(
    'GET',
    `${API}/messages/${conversationId}/changes${slash}${query}`,
  );
}

async function cursorOf(session: Session, conversationId: string): Promise<string> {
  const answer = await changesOf(session, conversationId);
  expect(answer.status).toBe(200);
  return answer.body.cursor;
}

const edit = (session: Session, id: string, text: string) =>
  session.request<Message>('PUT', `${API}/messages/${id}`, { text });
const remove = (session: Session, id: string) => session.request('DELETE', `${API}/messages/${id}`);

describe('changes since a cursor', () => {
  let room: Conversation;

  beforeEach(async () => {
    room = await createGroup(cast.aibek, [cast.aizada]);
  });

  it('answers the current cursor and nothing else without since, with or without the slash', async () => {
    for (const slash of ['/', '']) {
      const answer = await changesOf(cast.aibek, room.id, '', slash);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        cursor: expect.any(String),
        messages: [],
        deleted: [],
        has_more: false,
      });
    }
  });

  it('lists edits in their current state and deletions as tombstones, never creations', async () => {
    const a = await postMessage(cast.aibek, room.id, 'a');
    const b = await postMessage(cast.aizada, room.id, 'b');
    const cursor = await cursorOf(cast.aizada, room.id);
    await edit(cast.aibek, a.id, 'a, edited once');
    await remove(cast.aizada, b.id);
    await postMessage(cast.aibek, room.id, 'created after the cursor');
    const edited = await edit(cast.aibek, a.id, 'a, edited twice');

    const answer = await changesOf(cast.aizada, room.id, `?since=${encodeURIComponent(cursor)}`);
    expect(answer.status).toBe(200);
    expect(answer.body.messages).toEqual([edited.body]);
    expect(answer.body.messages[0]).toMatchObject({ text: 'a, edited twice', is_edited: true });
    expect(answer.body.deleted).toEqual([{ id: b.id, conversation_id: room.id }]);
    expect(answer.body.has_more).toBe(false);
    expect(answer.body.cursor).not.toBe(cursor);

    const again = await changesOf(cast.aizada, room.id, `?since=${answer.body.cursor}`);
    expect(again.body).toEqual({
      cursor: answer.body.cursor,
      messages: [],
      deleted: [],
      has_more: false,
    });
  });

  it('orders by each message’s latest change, and a deleted edit is only a tombstone', async () => {
    const [a, b, c] = [
      await postMessage(cast.aibek, room.id, 'a'),
      await postMessage(cast.aibek, room.id, 'b'),
      await postMessage(cast.aibek, room.id, 'c'),
    ];
    const cursor = await cursorOf(cast.aibek, room.id);
    await edit(cast.aibek, a.id, 'a1');
    await edit(cast.aibek, b.id, 'b1');
    await edit(cast.aibek, c.id, 'c1');
    await edit(cast.aibek, a.id, 'a2');
    await remove(cast.aibek, c.id);
    const answer = await changesOf(cast.aibek, room.id, `?since=${cursor}`);
    expect(answer.body.messages.map((message) => message.text)).toEqual(['b1', 'a2']);
    expect(answer.body.deleted.map((tombstone) => tombstone.id)).toEqual([c.id]);
  });

  it('pages with limit: has_more until the last page, every change exactly once', async () => {
    const messages: Message[] = [];
    for (let index = 0; index < 7; index += 1) {
      messages.push(await postMessage(cast.aibek, room.id, `m${index}`));
    }
    let cursor = await cursorOf(cast.aibek, room.id);
    for (const [index, message] of messages.entries()) {
      if (index % 3 === 0) await remove(cast.aibek, message.id);
      else await edit(cast.aibek, message.id, `${message.text}!`);
    }
    const seen: string[] = [];
    const pages: boolean[] = [];
    for (let guard = 0; guard < 10; guard += 1) {
      const answer = await changesOf(cast.aibek, room.id, `?since=${cursor}&limit=2`);
      expect(answer.status).toBe(200);
      expect(answer.body.messages.length + answer.body.deleted.length).toBeLessThanOrEqual(2);
      seen.push(
        ...answer.body.messages.map((message) => message.id),
        ...answer.body.deleted.map((tombstone) => tombstone.id),
      );
      pages.push(answer.body.has_more);
      cursor = answer.body.cursor;
      if (!answer.body.has_more) break;
    }
    expect(pages).toEqual([true, true, true, false]);
    expect(seen.sort()).toEqual(messages.map((message) => message.id).sort());
  });

  it('lists only this conversation’s changes, while the cursor is server-wide', async () => {
    const other = await createGroup(cast.aibek, []);
    const here = await postMessage(cast.aibek, room.id, 'here');
    const there = await postMessage(cast.aibek, other.id, 'there');
    const cursor = await cursorOf(cast.aibek, other.id);
    await edit(cast.aibek, there.id, 'there!');
    await edit(cast.aibek, here.id, 'here!');
    const answer = await changesOf(cast.aibek, room.id, `?since=${cursor}`);
    expect(answer.body.messages.map((message) => message.text)).toEqual(['here!']);
    const elsewhere = await changesOf(cast.aibek, other.id, `?since=${answer.body.cursor}`);
    expect(elsewhere.body.messages).toEqual([]);
  });

  it.each([
    ['a malformed cursor', 'abc'],
    ['an empty cursor', ''],
    ['a cursor with a bad database id', 'v1-zz-1'],
    ['a negative position', 'v1-0123456789abcdef--1'],
  ])('answers %s with 400 invalid_cursor', async (_name, since) => {
    const answer = await changesOf(cast.aibek, room.id, `?since=${encodeURIComponent(since)}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      detail: expect.stringMatching(/^since: /),
      code: 'invalid_cursor',
    });
  });

  it('answers a cursor ahead of the newest change, or from another database, with 400 invalid_cursor', async () => {
    const cursor = await cursorOf(cast.aibek, room.id);
    const ahead = cursor.replace(/-(\d+)$/, (_match, seq: string) => `-${Number(seq) + 1000}`);
    expect((await changesOf(cast.aibek, room.id, `?since=${ahead}`)).body.code).toBe(
      'invalid_cursor',
    );
    const elsewhere = await startTestServer();
    try {
      const aibek = await elsewhere.login('aibek');
      const theirs = await createGroup(aibek, []);
      const answer = await changesOf(aibek, theirs.id, `?since=${cursor}`);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('invalid_cursor');
    } finally {
      await elsewhere.close();
    }
  });

  it('answers since given twice 400, and a limit outside 1..500 422', async () => {
    const cursor = await cursorOf(cast.aibek, room.id);
    expect((await changesOf(cast.aibek, room.id, `?since=${cursor}&since=${cursor}`)).status).toBe(
      400,
    );
    for (const limit of ['0', '501', 'x', '-1', '1.5']) {
      const answer = await changesOf(cast.aibek, room.id, `?since=${cursor}&limit=${limit}`);
      expect(answer.status).toBe(422);
    }
    for (const limit of ['1', '500']) {
      expect((await changesOf(cast.aibek, room.id, `?since=${cursor}&limit=${limit}`)).status).toBe(
        200,
      );
    }
  });

  it('lists 200 changes by default and at most 500', async () => {
    const many = await createGroup(cast.aibek, []);
    const posted: Message[] = [];
    for (let index = 0; index < 501; index += 1) {
      posted.push(await postMessage(cast.aibek, many.id, `n${index}`));
    }
    const cursor = await cursorOf(cast.aibek, many.id);
    for (const message of posted) await remove(cast.aibek, message.id);
    const byDefault = await changesOf(cast.aibek, many.id, `?since=${cursor}`);
    expect(byDefault.body.deleted).toHaveLength(200);
    expect(byDefault.body.has_more).toBe(true);
    const most = await changesOf(cast.aibek, many.id, `?since=${cursor}&limit=500`);
    expect(most.body.deleted).toHaveLength(500);
    const rest = await changesOf(cast.aibek, many.id, `?since=${most.body.cursor}`);
    expect(rest.body.deleted).toHaveLength(1);
    expect(rest.body.has_more).toBe(false);
  }, 60_000);
});

describe('changes authorization', () => {
  let room: Conversation;
  let cursor: string;

  beforeAll(async () => {
    room = await createGroup(cast.aibek, [cast.aizada, cast.bakyt]);
    await postMessage(cast.aibek, room.id, 'x');
    cursor = await cursorOf(cast.aibek, room.id);
  });

  it.each(['aibek', 'aizada', 'bakyt'] as const)('answers participant %s', async (name) => {
    expect((await changesOf(cast[name], room.id, `?since=${cursor}`)).status).toBe(200);
  });

  it('answers an outsider 404, as for a conversation that does not exist', async () => {
    const theirs = await changesOf(cast.elena, room.id, `?since=${cursor}`);
    const missing = await changesOf(
      cast.elena,
      '01890a5d-ac96-774b-b9aa-000000000000',
      `?since=${cursor}`,
    );
    expect(theirs).toEqual(missing);
    expect(theirs.status).toBe(404);
    expect((await changesOf(cast.elena, room.id)).status).toBe(404);
  });

  it('answers a removed participant 404, a path that is not a UUID 404, and no token 401', async () => {
    const group = await createGroup(cast.aibek, [cast.bakyt]);
    await cast.aibek.request('DELETE', `${API}/conversations/${group.id}/participants/3`);
    expect((await changesOf(cast.bakyt, group.id)).status).toBe(404);
    expect((await changesOf(cast.aibek, 'not-a-uuid')).status).toBe(404);
    const anonymous = await rawRequest(server.url, 'GET', `${API}/messages/${room.id}/changes/`);
    expect(anonymous.status).toBe(401);
  });
});

describe('changes across a restart', () => {
  it('keeps cursors valid on the same database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-chat-changes-'));
    const db = join(dir, 'chat.sqlite');
    try {
      const first = await startTestServer({ db });
      const aibek = await first.login('aibek');
      const room = await createGroup(aibek, []);
      const message = await postMessage(aibek, room.id, 'before');
      const cursor = await cursorOf(aibek, room.id);
      await first.close();
      const second = await startTestServer({ db });
      try {
        const again = await second.login('aibek');
        await edit(again, message.id, 'after the restart');
        const answer = await changesOf(again, room.id, `?since=${cursor}`);
        expect(answer.status).toBe(200);
        expect(answer.body.messages.map((m) => m.text)).toEqual(['after the restart']);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
