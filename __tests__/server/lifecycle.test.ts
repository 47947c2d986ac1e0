import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conversation, Message } from '../../src/api/types';
import { startServer } from '../../server';
import { rawRequest, startTestServer } from '../support/server';
import { API, createGroup, postMessage } from './fixtures';

describe('persistence', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unet-chat-server-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps conversations, messages, edits and deletions across a restart with a file database', async () => {
    const db = join(dir, 'nested', 'chat.sqlite');
    const first = await startTestServer({ db });
    const aibek = await first.login('aibek');
    const room = await createGroup(aibek, [await first.login('aizada')]);
    const kept = await postMessage(aibek, room.id, 'survives');
    const edited = await postMessage(aibek, room.id, 'before edit');
    const deleted = await postMessage(aibek, room.id, 'deleted');
    const afterEdit = await aibek.request<Message>('PUT', `${API}/messages/${edited.id}`, {
      text: 'after edit',
    });
    await aibek.request('DELETE', `${API}/messages/${deleted.id}`);
    await first.close();
    // Closing folds the write-ahead log back into the database file.
    expect(existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0).toBe(0);

    const second = await startTestServer({ db });
    try {
      const aizada = await second.login('aizada');
      const conversations = await aizada.request<Conversation[]>('GET', `${API}/conversations/`);
      expect(conversations.body.map((conversation) => conversation.id)).toEqual([room.id]);
      const messages = await aizada.request<Message[]>('GET', `${API}/messages/${room.id}`);
      expect(messages.body).toEqual([kept, afterEdit.body]);
      const after = await aizada.request<Message[]>(
        'GET',
        `${API}/messages/${room.id}?after=${deleted.id}`,
      );
      expect(after.body).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('seeds the demo users only once', async () => {
    const db = join(dir, 'chat.sqlite');
    for (let run = 0; run < 2; run += 1) {
      const server = await startTestServer({ db });
      const session = await server.login('elena');
      const users = await session.request<unknown[]>('GET', `${API}/users/`);
      expect(users.body).toHaveLength(4);
      await server.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('closes every open socket with 1001 and then stops answering', async () => {
    const server = await startTestServer();
    const aibek = await server.login('aibek');
    const rooms = await Promise.all([createGroup(aibek, []), createGroup(aibek, [])]);
    const sockets = await Promise.all(
      rooms.map((room) => server.openSocket(room.id, aibek.access)),
    );
    await server.close();
    for (const socket of sockets) expect((await socket.closed).code).toBe(1001);
    await expect(fetch(`${server.url}${API}/users/`)).rejects.toThrow();
  });

  it('finishes a request already in flight and keeps its write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-chat-shutdown-'));
    const db = join(dir, 'chat.sqlite');
    const server = await startServer({ db });
    const login = await rawRequest<{ access: string }>(server.url, 'POST', '/api/auth/login/', {
      body: { username: 'aibek', password: 'demo' },
    });
    const body = JSON.stringify({ type: 'group', title: 'written during shutdown' });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(`${server.url}${API}/conversations/`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${login.body.access}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      });
      request.on('error', reject);
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      // Half the body now, the rest once shutdown has begun. The pause lets a loaded
      // machine parse the headers first: a connection without a parsed request is idle,
      // and closing may cut idle connections.
      request.write(body.slice(0, 10));
      setTimeout(() => {
        closing = server.close();
        setTimeout(() => request.end(body.slice(10)), 50);
      }, 300);
    });
    let closing: Promise<void> | undefined;
    const { status, text } = await answered;
    expect(status).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ title: 'written during shutdown' });
    await closing;
    await server.close();
    const restarted = await startTestServer({ db });
    const aibek = await restarted.login('aibek');
    const list = await aibek.request<Conversation[]>('GET', `${API}/conversations/`);
    expect(list.body.map((conversation) => conversation.title)).toEqual([
      'written during shutdown',
    ]);
    await restarted.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('start-up', () => {
  it('rejects when the port is taken and leaves nothing open', async () => {
    const first = await startServer();
    await expect(startServer({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    await first.close();
  });
});

describe('static demo', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unet-chat-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log("demo")');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the demo at /, its files, and index.html for page URLs, while the API stays JSON', async () => {
    const server = await startTestServer({ staticDir: dir });
    try {
      const get = async (path: string) => {
        const response = await fetch(server.url + path);
        return {
          status: response.status,
          type: response.headers.get('content-type') ?? '',
          text: await response.text(),
        };
      };
      expect(await get('/')).toMatchObject({ status: 200, text: expect.stringContaining('demo') });
      expect(await get('/app.js')).toMatchObject({
        status: 200,
        type: expect.stringContaining('javascript'),
      });
      expect(await get('/chat/some-conversation')).toMatchObject({
        status: 200,
        type: expect.stringContaining('html'),
      });
      expect(await get('/missing.png')).toMatchObject({ status: 404 });
      const api = await get(`${API}/nothing/`);
      expect(api.status).toBe(404);
      expect(JSON.parse(api.text)).toEqual({ detail: 'Not found.', code: 'not_found' });
      expect((await get(`${API}/users/`)).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
