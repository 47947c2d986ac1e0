import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../../server/db';
import type { Conversation, Message } from '../../src/api/types';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';
import { API, createConversation, createGroup, loginAll, postMessage } from './fixtures';
import type { Cast } from './fixtures';

interface Hit {
  message: Message;
  snippet: { text: string; highlights: Array<[number, number]> };
}
interface Answer {
  results: Hit[];
  has_more: boolean;
}

let server: TestServer;
let cast: Cast;
let exams: Conversation;
let secret: Conversation;

beforeAll(async () => {
  server = await startTestServer();
  cast = await loginAll(server);
  exams = await createGroup(cast.aibek, [cast.aizada], 'Экзамены');
  // aibek takes no part in this one.
  secret = await createGroup(cast.bakyt, [cast.elena], 'Без Айбека');
});

afterAll(() => server.close());

async function search(session: Session, query: string) {
  return session.request<Answer>('GET', `${API}/messages/search?${query}`);
}

async function found(session: Session, q: string, extra = ''): Promise<string[]> {
  const { status, body } = await search(session, `q=${encodeURIComponent(q)}${extra}`);
  expect(status).toBe(200);
  return body.results.map((hit) => hit.message.text ?? '');
}

describe('message search [ext]', () => {
  it('finds messages by word prefixes, every word required, newest first, with highlighted snippets', async () => {
    await postMessage(cast.aibek, exams.id, 'Консультация по матанализу в четверг');
    await postMessage(cast.aizada, exams.id, 'Консультацию перенесли в аудиторию 305');
    await postMessage(cast.aibek, exams.id, 'Спасибо, буду');

    expect(await found(cast.aibek, 'консульт')).toEqual([
      'Консультацию перенесли в аудиторию 305',
      'Консультация по матанализу в четверг',
    ]);
    expect(await found(cast.aibek, 'КОНСУЛЬТ 305')).toEqual([
      'Консультацию перенесли в аудиторию 305',
    ]);
    expect(await found(cast.aibek, 'лекция')).toEqual([]);

    const { body } = await search(cast.aibek, `q=${encodeURIComponent('аудитор')}`);
    const [hit] = body.results;
    expect(hit!.message.conversation_id).toBe(exams.id);
    const [[start, end]] = hit!.snippet.highlights as [[number, number]];
    expect(hit!.snippet.text.slice(start, end)).toBe('аудитор');
    expect(body.has_more).toBe(false);
  });

  it("searches only the caller's conversations and answers 404 for a conversation of others", async () => {
    await postMessage(cast.bakyt, secret.id, 'Тайный план на пятницу');
    expect(await found(cast.bakyt, 'тайный')).toEqual(['Тайный план на пятницу']);
    expect(await found(cast.aibek, 'тайный')).toEqual([]);

    const { status, body } = await search(cast.aibek, `q=plan&conversation_id=${secret.id}`);
    expect(status).toBe(404);
    expect(body).toMatchObject({ code: 'not_found' });
  });

  it('narrows to one conversation with conversation_id', async () => {
    const other = await createConversation(cast.aibek, { type: 'private', participant_ids: [2] });
    await postMessage(cast.aibek, other.id, 'Пятница подходит');
    await postMessage(cast.aibek, exams.id, 'В пятницу экзамен');
    expect(await found(cast.aibek, 'пятниц')).toEqual(['В пятницу экзамен', 'Пятница подходит']);
    expect(await found(cast.aibek, 'пятниц', `&conversation_id=${other.id}`)).toEqual([
      'Пятница подходит',
    ]);
  });

  it('follows edits and deletes, and forgets a deleted conversation', async () => {
    const room = await createGroup(cast.aibek, [cast.aizada], 'Черновики');
    const draft = await postMessage(cast.aibek, room.id, 'Черновик номер один');
    expect(await found(cast.aibek, 'черновик')).toEqual(['Черновик номер один']);

    const edited = await cast.aibek.request('PUT', `${API}/messages/${draft.id}`, {
      text: 'Чистовик готов',
    });
    expect(edited.status).toBe(200);
    expect(await found(cast.aibek, 'черновик')).toEqual([]);
    expect(await found(cast.aibek, 'чистовик')).toEqual(['Чистовик готов']);

    const removed = await cast.aibek.request('DELETE', `${API}/messages/${draft.id}`);
    expect(removed.status).toBe(204);
    expect(await found(cast.aibek, 'чистовик')).toEqual([]);

    await postMessage(cast.aizada, room.id, 'Удалится вместе с беседой');
    expect(await found(cast.aizada, 'удалится')).toHaveLength(1);
    const gone = await cast.aibek.request('DELETE', `${API}/conversations/${room.id}`);
    expect(gone.status).toBe(204);
    expect(await found(cast.aizada, 'удалится')).toEqual([]);
  });

  it('treats FTS5 syntax in the query as plain words', async () => {
    await postMessage(cast.aibek, exams.id, 'NEAR the "end" OR not* (maybe)');
    for (const q of ['"', 'NEAR(', 'end" OR "x', '*', 'not*', '-end', 'a:b', '^end']) {
      const { status } = await search(cast.aibek, `q=${encodeURIComponent(q)}`);
      expect([200, 422]).toContain(status);
    }
    expect(await found(cast.aibek, 'end" OR "')).toEqual(['NEAR the "end" OR not* (maybe)']);
    expect(await found(cast.aibek, 'NEAR(maybe')).toEqual(['NEAR the "end" OR not* (maybe)']);
  });

  it('refuses bad queries with 422 and a clear detail, never 500', async () => {
    const cases = [
      '',
      'q=',
      'q=%20%20',
      'q=...',
      `q=${'а'.repeat(201)}`,
      'q=x&q=y',
      'q=x&conversation_id=nope',
      'q=x&limit=0',
      'q=x&limit=51',
      'q=x&limit=ten',
    ];
    for (const query of cases) {
      const { status, body } = await search(cast.aibek, query);
      expect({ query, status }).toEqual({ query, status: 422 });
      expect(body).toMatchObject({ code: 'validation_error', detail: expect.any(String) });
    }
  });

  it('pages by limit and says when more match', async () => {
    const room = await createGroup(cast.aibek, [], 'Много');
    for (let index = 0; index < 5; index += 1) {
      await postMessage(cast.aibek, room.id, `повтор ${index}`);
    }
    const { body } = await search(cast.aibek, `q=повтор&limit=3`);
    expect(body.results.map((hit) => hit.message.text)).toEqual([
      'повтор 4',
      'повтор 3',
      'повтор 2',
    ]);
    expect(body.has_more).toBe(true);
  });

  it('needs a token', async () => {
    const response = await fetch(`${server.url}${API}/messages/search?q=x`);
    expect(response.status).toBe(401);
  });
});

describe('the search migration', () => {
  it('indexes the messages a database already had, and skips deleted ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ucr-search-'));
    const path = join(dir, 'old.sqlite');
    try {
      // A database at schema version 1, written before search existed.
      const old = openDatabase(path);
      old.exec('DROP TRIGGER message_search_insert; DROP TRIGGER message_search_update;');
      old.exec('DROP TRIGGER message_search_delete; DROP TABLE message_search;');
      old.exec('DROP TABLE message_search_keys;');
      // And what later migrations added, so that all of them run again from version 1.
      old.exec(`DROP TABLE refresh_tokens; DROP TABLE auth_sessions; DROP TABLE message_changes;
        DROP TABLE removals; DROP TABLE server_meta;
        DROP TABLE read_cursors; ALTER TABLE users DROP COLUMN last_seen_at;`);
      old.pragma('user_version = 1');
      old.exec(`INSERT INTO users (id, username, full_name, password_hash) VALUES (1, 'a', 'A', 'x');
        INSERT INTO conversations (id, type, title, created_by, created_at) VALUES ('c', 'group', NULL, 1, 0);
        INSERT INTO messages (id, conversation_id, sender_id, text, created_at, deleted_at)
          VALUES ('m1', 'c', 1, 'старое сообщение', 1, NULL), ('m2', 'c', 1, 'старое удалённое', 2, 5);`);
      closeDatabase(old);

      const db = openDatabase(path);
      const ids = db
        .prepare(
          `SELECT k.message_id AS id FROM message_search s
           JOIN message_search_keys k ON k.key = s.rowid WHERE message_search MATCH 'старое*'`,
        )
        .all();
      expect(ids).toEqual([{ id: 'm1' }]);
      closeDatabase(db);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
