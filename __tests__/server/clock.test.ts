/**
 * Issue 8, bug 10: `created_at` is monotonic per conversation. A wall clock
 * stepped back (or a restart on a machine whose clock is behind the database)
 * must not give a new message a time before the newest one, or `after=`
 * catch-up from the newest message a client has would never return it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Message } from '../../src/api/types';
import { startTestServer } from '../support/server';
import type { Session } from '../support/server';
import { API, createGroup, postMessage } from './fixtures';

const NOON = Date.UTC(2024, 0, 1, 12, 0, 0);
const HOUR = 3_600_000;

async function catchUp(session: Session, conversationId: string, after: string) {
  const page = await session.request<Message[]>(
    'GET',
    `${API}/messages/${conversationId}?after=${after}`,
  );
  expect(page.status).toBe(200);
  return page.body;
}

describe('created_at under a clock step', () => {
  it('never goes back within a conversation, and after= catch-up sees the new message', async () => {
    let clock = NOON;
    const server = await startTestServer({ now: () => clock });
    try {
      const aibek = await server.login('aibek');
      const room = await createGroup(aibek, []);
      const before = await postMessage(aibek, room.id, 'before the step');
      clock = NOON - HOUR;
      const after = await postMessage(aibek, room.id, 'after the step');
      expect(Date.parse(after.created_at)).toBeGreaterThanOrEqual(Date.parse(before.created_at));
      expect((await catchUp(aibek, room.id, before.id)).map((m) => m.text)).toEqual([
        'after the step',
      ]);
      const third = await postMessage(aibek, room.id, 'still behind');
      expect((await catchUp(aibek, room.id, after.id)).map((m) => m.id)).toEqual([third.id]);
      const all = await aibek.request<Message[]>('GET', `${API}/messages/${room.id}`);
      expect(all.body.map((m) => m.text)).toEqual([
        'before the step',
        'after the step',
        'still behind',
      ]);

      // Another conversation keeps the clock's own time: the rule is per conversation.
      const other = await createGroup(aibek, []);
      const elsewhere = await postMessage(aibek, other.id, 'elsewhere');
      expect(elsewhere.created_at).toBe(new Date(NOON - HOUR).toISOString());
    } finally {
      await server.close();
    }
  });

  it('counts a deleted newest message too, since its id stays a cursor', async () => {
    let clock = NOON;
    const server = await startTestServer({ now: () => clock });
    try {
      const aibek = await server.login('aibek');
      const room = await createGroup(aibek, []);
      const kept = await postMessage(aibek, room.id, 'kept');
      const deleted = await postMessage(aibek, room.id, 'deleted');
      await aibek.request('DELETE', `${API}/messages/${deleted.id}`);
      clock = NOON - HOUR;
      const next = await postMessage(aibek, room.id, 'next');
      expect((await catchUp(aibek, room.id, deleted.id)).map((m) => m.id)).toEqual([next.id]);
      expect((await catchUp(aibek, room.id, kept.id)).map((m) => m.id)).toEqual([next.id]);
    } finally {
      await server.close();
    }
  });

  it('holds across a restart on the same database with a clock an hour behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-chat-clock-'));
    const db = join(dir, 'chat.sqlite');
    try {
      const first = await startTestServer({ db, now: () => NOON });
      const aibek = await first.login('aibek');
      const room = await createGroup(aibek, []);
      const newest = await postMessage(aibek, room.id, 'written at noon');
      await first.close();

      // A new process would also mint ids from a clock behind: only the database is shared.
      const second = await startTestServer({ db, now: () => NOON - HOUR });
      try {
        const again = await second.login('aibek');
        const later = await postMessage(again, room.id, 'written after the restart');
        expect(Date.parse(later.created_at)).toBeGreaterThanOrEqual(Date.parse(newest.created_at));
        expect((await catchUp(again, room.id, newest.id)).map((m) => m.id)).toEqual([later.id]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the next millisecond when its id would sort before the newest one’s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-chat-clock-'));
    const db = join(dir, 'chat.sqlite');
    try {
      const first = await startTestServer({ db, now: () => NOON });
      const aibek = await first.login('aibek');
      const room = await createGroup(aibek, []);
      await first.close();
      // The newest message was written by a process whose clock (and so whose v7 ids) ran
      // ahead: its id sorts after any id minted now.
      const ahead = 'ffffffff-ffff-7fff-bfff-ffffffffffff';
      const file = new Database(db);
      file
        .prepare(
          `INSERT INTO messages (id, conversation_id, sender_id, text, created_at)
           VALUES (?, ?, 1, 'from a clock ahead', ?)`,
        )
        .run(ahead, room.id, NOON);
      file.close();

      const second = await startTestServer({ db, now: () => NOON - HOUR });
      try {
        const again = await second.login('aibek');
        const next = await postMessage(again, room.id, 'next');
        expect(next.created_at).toBe(new Date(NOON + 1).toISOString());
        expect((await catchUp(again, room.id, ahead)).map((m) => m.id)).toEqual([next.id]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
