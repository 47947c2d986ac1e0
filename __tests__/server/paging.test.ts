import type { Conversation, Message } from '../../src/api/types';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';
import { API, createGroup, postMessage } from './fixtures';

const START = Date.UTC(2024, 0, 1, 12, 0, 0);
let clock = START;

let server: TestServer;
let aibek: Session;
let room: Conversation;
/** Every message of `room` in server order: 6 sent at one clock reading, 4 at the next, 2 later. */
let all: Message[];

beforeAll(async () => {
  server = await startTestServer({ now: () => clock });
  aibek = await server.login('aibek');
  room = await createGroup(aibek, []);
  all = [];
  for (const [at, count] of [
    [START, 6],
    [START + 1, 4],
    [START + 60_000, 2],
  ] as const) {
    clock = at;
    for (let index = 0; index < count; index += 1) {
      all.push(await postMessage(aibek, room.id, `m${all.length}`));
    }
  }
});

afterAll(() => server.close());

async function page(query: string): Promise<Message[]> {
  const { status, body } = await aibek.request<Message[]>(
    'GET',
    `${API}/messages/${room.id}${query}`,
  );
  expect(status).toBe(200);
  return body;
}

const texts = (messages: Message[]) => messages.map((message) => message.text);
const at = (index: number) => all[index]!;

describe('paging [ext]', () => {
  it('never gives two messages of a conversation one timestamp: a clock standing still gives each the next millisecond', () => {
    expect(at(0).created_at).toBe('2024-01-01T12:00:00.000Z');
    expect(at(5).created_at).toBe('2024-01-01T12:00:00.005Z');
    // The clock moved to .001, behind the newest (.005): the next millisecond after it.
    expect(at(6).created_at).toBe('2024-01-01T12:00:00.006Z');
    expect(new Set(all.map((message) => message.created_at)).size).toBe(all.length);
  });

  it('orders messages by (created_at, id), so equal timestamps keep the order they were sent in', async () => {
    const messages = await page('');
    expect(texts(messages)).toEqual(texts(all));
    const ids = messages.map((message) => message.id);
    expect([...ids].sort()).toEqual(ids);
  });

  it('returns the newest `limit` messages, oldest first, without a cursor', async () => {
    expect(texts(await page('?limit=3'))).toEqual(['m9', 'm10', 'm11']);
  });

  it('returns the page just older than `before`, oldest first, across a tie in created_at', async () => {
    expect(texts(await page(`?before=${at(7).id}&limit=3`))).toEqual(['m4', 'm5', 'm6']);
    expect(texts(await page(`?before=${at(3).id}&limit=50`))).toEqual(['m0', 'm1', 'm2']);
    expect(await page(`?before=${at(0).id}`)).toEqual([]);
  });

  it('returns what is newer than `after`, oldest first, up to `limit`', async () => {
    expect(texts(await page(`?after=${at(4).id}&limit=3`))).toEqual(['m5', 'm6', 'm7']);
    expect(texts(await page(`?after=${at(9).id}`))).toEqual(['m10', 'm11']);
    expect(await page(`?after=${at(11).id}`)).toEqual([]);
  });

  it('walks all history back with `before` without gaps or repeats', async () => {
    let collected: Message[] = await page('?limit=5');
    for (;;) {
      const older = await page(`?before=${collected[0]!.id}&limit=5`);
      if (older.length === 0) break;
      collected = [...older, ...collected];
    }
    expect(collected).toEqual(all);
  });

  it('catches up forward with `after` without gaps or repeats', async () => {
    let collected: Message[] = [at(0)];
    for (;;) {
      const newer = await page(`?after=${collected[collected.length - 1]!.id}&limit=4`);
      if (newer.length === 0) break;
      collected = [...collected, ...newer];
    }
    expect(collected).toEqual(all);
  });

  it('keeps a deleted message usable as a cursor while leaving it out of every page', async () => {
    clock = START + 120_000;
    const doomed = await postMessage(aibek, room.id, 'doomed');
    const after = await postMessage(aibek, room.id, 'after doomed');
    await aibek.request('DELETE', `${API}/messages/${doomed.id}`);
    expect(texts(await page(`?after=${doomed.id}`))).toEqual(['after doomed']);
    expect(texts(await page(`?before=${doomed.id}&limit=2`))).toEqual(['m10', 'm11']);
    expect(texts(await page('?limit=2'))).toEqual(['m11', 'after doomed']);
    await aibek.request('DELETE', `${API}/messages/${after.id}`);
    const conversation = await aibek.request<Conversation>(
      'GET',
      `${API}/conversations/${room.id}`,
    );
    expect(conversation.body.last_message?.id).toBe(at(11).id);
  });

  it('uses the injected clock for conversations too', () => {
    expect(room.created_at).toBe('2024-01-01T12:00:00.000Z');
  });
});
