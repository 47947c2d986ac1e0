/**
 * Texts are stored verbatim: what is sent is what every route answers, over
 * POST, GET, sockets and edits. Only what SQLite's UTF-8 cannot keep as sent
 * is refused, with 400 `invalid_characters`: lone UTF-16 surrogates (they would
 * come back as U+FFFD) and NUL. Bytes that are not UTF-8 are 400 `invalid_encoding`.
 */
import fc from 'fast-check';
import type { Conversation, Message } from '../../src/api/types';
import { startTestServer } from '../support/server';
import type { Session, TestServer, TestSocket } from '../support/server';
import { API, closeAll, createGroup } from './fixtures';

let server: TestServer;
let aibek: Session;
let room: Conversation;
let socket: TestSocket;

beforeAll(async () => {
  server = await startTestServer({ rateLimits: false });
  aibek = await server.login('aibek');
  room = await createGroup(aibek, []);
  socket = await server.openSocket(room.id, aibek.access);
});

afterAll(async () => {
  await closeAll(socket);
  await server.close();
});

const post = (text: unknown) =>
  aibek.request<Message & { code?: string }>('POST', `${API}/messages/`, {
    conversation_id: room.id,
    sender_id: 1,
    text,
    client_id: crypto.randomUUID(),
  });

async function storedText(id: string): Promise<string | undefined> {
  const page = await aibek.request<Message[]>('GET', `${API}/messages/${room.id}?limit=200`);
  return page.body.find((message) => message.id === id)?.text ?? undefined;
}

const TRICKY: [string, string][] = [
  ['leading and trailing spaces and newlines', '  \n hello \r\n\t '],
  ['a family emoji (ZWJ sequence) and a flag', '👩‍👩‍👧 🇰🇬'],
  ['combining marks, decomposed (NFD)', 'e\u0301 a\u0308'],
  ['the same letters precomposed (NFC)', '\u00e9 \u00e4'],
  ['right-to-left text with bidi controls', '\u202eשלום\u202c مرحبا \u2066x\u2069'],
  ['zero-width characters and a BOM', 'a\u200bb\u200dc\ufeffd'],
  ['C0 and C1 controls other than NUL', '\u0001\u0007\u001b[31m\u007f\u0085'],
  ['line and paragraph separators', 'one\u2028two\u2029three'],
  ['noncharacters', '\ufffe\uffff\u{10ffff}\u{1fffe}'],
  ['the replacement character itself', '\ufffd'],
  ['markup and JSON syntax', '<script>alert(1)</script> {"a": "\\"b\\""} &amp;'],
  ['4000 astral characters (8000 UTF-16 units, at the limit)', '𝄞'.repeat(4000)],
];

describe('texts are kept verbatim', () => {
  it.each(TRICKY)('round-trips %s through POST, GET and the socket', async (_name, text) => {
    const created = await post(text);
    expect(created.status).toBe(201);
    expect(created.body.text).toBe(text);
    expect(await storedText(created.body.id)).toBe(text);
    const live = await socket.nextFrame<Message>(
      (frame) => frame.type === 'message:new' && frame.payload.id === created.body.id,
    );
    expect(live.payload.text).toBe(text);
  });

  it.each(TRICKY.slice(0, 4))(
    'round-trips %s through a socket send and an edit',
    async (_name, text) => {
      const clientId = crypto.randomUUID();
      socket.send({ type: 'message:send', payload: { text, client_id: clientId } });
      const echo = await socket.nextFrame<Message>(
        (frame) => frame.type === 'message:new' && frame.payload.client_id === clientId,
      );
      expect(echo.payload.text).toBe(text);
      expect(await storedText(echo.payload.id)).toBe(text);
      const edited = await aibek.request<Message>('PUT', `${API}/messages/${echo.payload.id}`, {
        text: `${text}!`,
      });
      expect(edited.body.text).toBe(`${text}!`);
      expect(await storedText(echo.payload.id)).toBe(`${text}!`);
    },
  );

  it('keeps any well-formed text as sent, whatever it contains (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ unit: 'binary', minLength: 1, maxLength: 60 })
          .filter((text) => text.trim() !== '' && !text.includes('\u0000')),
        async (text) => {
          const created = await post(text);
          expect(created.status).toBe(201);
          expect(created.body.text).toBe(text);
          expect(await storedText(created.body.id)).toBe(text);
        },
      ),
      { numRuns: 40 },
    );
  });
});

const REFUSED: [string, string][] = [
  ['a lone high surrogate', 'abc\ud83d'],
  ['a lone low surrogate', '\ude00abc'],
  ['surrogates in the wrong order', 'a\ude00\ud83db'],
  ['a high surrogate before a normal letter', '\ud83dx'],
  ['NUL', 'before\u0000after'],
];

describe('what cannot be stored faithfully is refused', () => {
  it.each(REFUSED)(
    'answers 400 invalid_characters to a POST with %s, storing nothing',
    async (_name, text) => {
      const before = (await aibek.request<Message[]>('GET', `${API}/messages/${room.id}?limit=200`))
        .body.length;
      const answer = await post(text);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        detail: expect.stringMatching(/^text: /),
        code: 'invalid_characters',
      });
      const after = (await aibek.request<Message[]>('GET', `${API}/messages/${room.id}?limit=200`))
        .body.length;
      expect(after).toBe(before);
    },
  );

  it.each(REFUSED)('answers an edit with %s 400, keeping the old text', async (_name, text) => {
    const created = await post('original');
    const answer = await aibek.request('PUT', `${API}/messages/${created.body.id}`, { text });
    expect(answer.status).toBe(400);
    expect(await storedText(created.body.id)).toBe('original');
  });

  it.each(REFUSED)(
    'answers a socket send with %s an error frame naming its client_id',
    async (_name, text) => {
      const clientId = crypto.randomUUID();
      socket.send({ type: 'message:send', payload: { text, client_id: clientId } });
      const error = await socket.nextFrame(
        (frame) => frame.type === 'error' && frame.payload.client_id === clientId,
      );
      expect(error.payload).toEqual({
        code: 'invalid_characters',
        detail: expect.stringMatching(/^text: /),
        client_id: clientId,
      });
      socket.send({ type: 'ping' });
      await socket.nextFrame((frame) => frame.type === 'pong');
    },
  );

  it('refuses lone surrogates and NUL in titles and service fields too', async () => {
    for (const field of ['title', 'service', 'service_id']) {
      for (const [, text] of REFUSED) {
        const answer = await aibek.request<{ code: string }>('POST', `${API}/conversations/`, {
          type: 'group',
          [field]: text,
        });
        expect(answer.status).toBe(400);
        expect(answer.body.code).toBe('invalid_characters');
      }
    }
  });

  it('answers a body that is not UTF-8 with 400 invalid_encoding', async () => {
    const body = Buffer.concat([
      Buffer.from(`{"conversation_id":"${room.id}","sender_id":1,"text":"`),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}'),
    ]);
    const response = await fetch(`${server.url}${API}/messages/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aibek.access}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      detail: 'The body is not valid UTF-8.',
      code: 'invalid_encoding',
    });
  });

  it('closes a socket that sends a text frame which is not UTF-8 with 1007, as the protocol says', async () => {
    const own = await server.openSocket(room.id, aibek.access);
    own.raw.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false });
    expect((await own.closed).code).toBe(1007);
  });

  it('either stores any string exactly or refuses it with a 4xx, never a changed copy (property)', async () => {
    const piece = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\u0000', ' '),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('')),
        async (text) => {
          const answer = await post(text);
          if (answer.status === 201) {
            expect(answer.body.text).toBe(text);
            expect(await storedText(answer.body.id)).toBe(text);
          } else {
            expect([400, 422]).toContain(answer.status);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
