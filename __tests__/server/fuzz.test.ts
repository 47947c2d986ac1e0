/**
 * Fuzzing the reference server with fast-check: arbitrary and mutated REST
 * requests (methods, paths, query strings, headers, bodies, written as raw
 * HTTP) and socket frames never produce a 5xx, a stack trace or an internal
 * error in the log, and the server keeps answering.
 *
 * A short run is part of `npm test`; `npm run fuzz` runs it long
 * (FUZZ_RUNS=<runs per property>, FUZZ_SEED=<seed> to replay a failure).
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import type { Conversation, Message } from '../../src/api/types';
import { startTestServer } from '../support/server';
import type { Session, TestServer, TestSocket } from '../support/server';
import { API, createGroup, loginAll, postMessage } from './fixtures';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const settings = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

jest.setTimeout(30_000 + RUNS * 150);

// What a leaked stack trace or internal detail would look like in an answer.
const LEAK =
  /\n\s+at |node_modules|\/server\/|\.ts:\d|SqliteError|TypeError|ReferenceError|RangeError/;

let server: TestServer;
let aibek: Session;
let elena: Session;
/** Its refresh token is what requests carry as a refresh token: using it up must not log aibek out. */
let spare: Session;
let room: Conversation;
let message: Message;
const logLines: string[] = [];

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  server = await startTestServer({ rateLimits: false, logger: { stream } });
  const cast = await loginAll(server);
  aibek = cast.aibek;
  elena = cast.elena;
  spare = await server.login('bakyt');
  await freshTargets();
});

/** A conversation and a message to aim at; a run may delete them, so each run makes new ones. */
async function freshTargets(): Promise<void> {
  room = await createGroup(aibek, [elena]);
  message = await postMessage(aibek, room.id, 'fuzz target');
}

afterAll(async () => {
  // Not one request or frame ended in an internal error (pino level 50 and up).
  const errors = logLines.filter((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return false;
    }
  });
  await server.close();
  expect(errors).toEqual([]);
});

interface RawAnswer {
  status: number;
  text: string;
}

/** Sends `head` and `body` as they are over a fresh TCP connection and reads the whole answer. */
function rawHttp(head: string, body: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text });
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}

const segment = fc.oneof(
  fc.constantFrom(
    'api',
    'unet-chat',
    'auth',
    'conversations',
    'messages',
    'participants',
    'changes',
    'users',
    'login',
    'refresh',
    'logout',
    'ws',
    '..',
    '.',
    '',
    '%00',
    '%',
    '%E0%A4%A',
    '%2F',
    '1',
    '0',
    '-1',
    '99999999999999999999',
    '00000000-0000-0000-0000-000000000000',
  ),
  fc.uuid().map((id) => id),
  fc.webSegment(),
  fc.string({ unit: 'binary', maxLength: 12 }).map((text) => encodeURIComponent(text)),
  fc.string({ unit: 'binary-ascii', maxLength: 12 }).map((text) => text.replace(/[\s?#]/g, '')),
);

/** Paths near the real routes (with real ids) and far from them. */
const path = fc.oneof(
  fc
    .constantFrom(
      () => `${API}/conversations/`,
      () => `${API}/conversations/${room.id}`,
      () => `${API}/conversations/${room.id}/participants/`,
      () => `${API}/conversations/${room.id}/participants/2`,
      () => `${API}/messages/`,
      () => `${API}/messages/${room.id}`,
      () => `${API}/messages/${room.id}/changes/`,
      () => `${API}/messages/${message.id}`,
      () => `${API}/users/`,
      () => '/api/auth/login/',
      () => '/api/auth/refresh/',
      () => '/api/auth/logout/',
      () => '/',
    )
    .map((make) => ({ base: make })),
  fc
    .array(segment, { minLength: 1, maxLength: 6 })
    .map((segments) => ({ base: () => `/${segments.join('/')}` })),
  fc
    .tuple(fc.constantFrom(`/api/unet-chat/`, '/api/auth/', '/api/unet-chat/messages/'), segment)
    .map(([prefix, last]) => ({ base: () => prefix + last })),
);

const queryValue = fc.oneof(
  fc.constantFrom('', '0', '1', '50', '200', '201', '-1', '1e3', 'null', '[]', 'v1-0-0'),
  fc.uuid().map((id) => id),
  fc.string({ unit: 'binary', maxLength: 10 }).map((text) => encodeURIComponent(text)),
);
const query = fc.oneof(
  fc.constant(''),
  fc.webQueryParameters().map((text) => (text === '' ? '' : `?${text}`)),
  fc
    .array(
      fc.tuple(
        fc.constantFrom('limit', 'before', 'after', 'since', 'WWW-Authenticate', 'x', 'limit[]'),
        queryValue,
      ),
      { maxLength: 4 },
    )
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : '')),
);

/** Valid bodies of every route, with fields replaced by arbitrary JSON values. */
const mutatedBody = fc
  .tuple(
    fc.constantFrom<() => Record<string, unknown>>(
      () => ({ type: 'group', title: 'x', participant_ids: [2] }),
      () => ({ conversation_id: room.id, sender_id: 1, text: 'hi', reply_to: null }),
      () => ({
        conversation_id: room.id,
        sender_id: 1,
        text: 'hi',
        client_id: crypto.randomUUID(),
      }),
      () => ({ text: 'edited' }),
      () => ({ user_id: 3 }),
      () => ({ username: 'aibek', password: 'wrong' }),
      () => ({ refresh: spare.refresh }),
    ),
    fc.dictionary(
      fc.constantFrom(
        'type',
        'title',
        'participant_ids',
        'conversation_id',
        'sender_id',
        'text',
        'reply_to',
        'client_id',
        'user_id',
        'username',
        'password',
        'refresh',
        '__proto__',
        'constructor',
      ),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 3 },
    ),
  )
  .map(([make, overrides]) => ({ text: JSON.stringify({ ...make(), ...overrides }) }));

const body = fc.oneof(
  fc.constant(null),
  mutatedBody,
  fc.json({ maxDepth: 3 }).map((text) => ({ text })),
  fc.string({ unit: 'binary', maxLength: 40 }).map((text) => ({ text })),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ bytes })),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
);

const auth = fc.constantFrom('access', 'outsider', 'refresh', 'garbage', 'none', 'bearer-only');

const anyRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  path,
  query,
  body,
  contentType,
  auth,
  lengthSkew: fc.constantFrom(0, 0, 0, -1, 1),
});

/** Each route's own method, path and a valid body, then mutated: reaches the validation and rules. */
const routeRequest = fc
  .tuple(
    fc.constantFrom(
      { method: 'POST', path: () => `${API}/conversations/`, hasBody: true },
      { method: 'POST', path: () => `${API}/messages/`, hasBody: true },
      { method: 'PUT', path: () => `${API}/messages/${message.id}`, hasBody: true },
      { method: 'DELETE', path: () => `${API}/messages/${message.id}`, hasBody: false },
      {
        method: 'POST',
        path: () => `${API}/conversations/${room.id}/participants/`,
        hasBody: true,
      },
      {
        method: 'DELETE',
        path: () => `${API}/conversations/${room.id}/participants/4`,
        hasBody: false,
      },
      { method: 'GET', path: () => `${API}/messages/${room.id}`, hasBody: false },
      { method: 'GET', path: () => `${API}/messages/${room.id}/changes/`, hasBody: false },
      { method: 'POST', path: () => '/api/auth/login/', hasBody: true },
      { method: 'POST', path: () => '/api/auth/refresh/', hasBody: true },
      { method: 'POST', path: () => '/api/auth/logout/', hasBody: true },
    ),
    mutatedBody,
    query,
    fc.constantFrom('access', 'access', 'access', 'outsider', 'none'),
  )
  .map(([route, mutated, routeQuery, routeAuth]) => ({
    method: route.method,
    path: { base: route.path },
    query: route.method === 'GET' ? routeQuery : '',
    body: route.hasBody ? mutated : null,
    contentType: 'application/json',
    auth: routeAuth,
    lengthSkew: 0,
  }));

const request = fc.oneof(anyRequest, routeRequest);

function authorization(kind: string): string | null {
  switch (kind) {
    case 'access':
      return `Bearer ${aibek.access}`;
    case 'outsider':
      return `Bearer ${elena.access}`;
    case 'refresh':
      return `Bearer ${spare.refresh}`;
    case 'garbage':
      return 'Bearer eyJhbGciOiJub25lIn0.e30.';
    case 'bearer-only':
      return 'Bearer';
    default:
      return null;
  }
}

/** How many answers had each status: printed by `npm run fuzz`, to see what was reached. */
const statuses = new Map<number, number>();

describe('REST fuzzing', () => {
  afterAll(() => {
    if (process.env.FUZZ_RUNS !== undefined) {
      console.log(
        `REST fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))} runs ${RUNS}`,
      );
    }
  });

  it('answers every arbitrary or mutated request below 500, without a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        await freshTargets();
        const payload =
          input.body === null
            ? Buffer.alloc(0)
            : 'bytes' in input.body
              ? Buffer.from(input.body.bytes)
              : Buffer.from(input.body.text, 'utf8');
        const headers = [
          `${input.method} ${input.path.base()}${input.query} HTTP/1.1`,
          `Host: 127.0.0.1:${server.port}`,
          'Connection: close',
        ];
        const token = authorization(input.auth);
        if (token !== null) headers.push(`Authorization: ${token}`);
        if (input.body !== null && input.contentType !== '') {
          headers.push(`Content-Type: ${input.contentType}`);
        }
        // A Content-Length that lies makes the parser wait or cut; it must still be a 4xx.
        if (input.body !== null) {
          headers.push(`Content-Length: ${Math.max(0, payload.length + input.lengthSkew)}`);
        }
        const answer = await rawHttp(`${headers.join('\r\n')}\r\n\r\n`, payload);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 0) return; // the connection was cut without an answer (a lying length)
        expect(answer.status).toBeLessThan(500);
        expect(answer.text).not.toMatch(LEAK);
        const split = answer.text.indexOf('\r\n\r\n');
        const answerBody = split === -1 ? '' : answer.text.slice(split + 4);
        if (answer.status >= 400 && answerBody.startsWith('{')) {
          const parsed = JSON.parse(answerBody) as Record<string, unknown>;
          expect(typeof parsed.detail).toBe('string');
          expect(typeof parsed.code).toBe('string');
        }
      }),
      settings,
    );
    // Still healthy afterwards.
    expect((await aibek.request('GET', `${API}/users/`)).status).toBe(200);
  });
});

const frameText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record({
      type: fc.oneof(
        fc.constantFrom('message:send', 'ping', 'message:new', 'error', '', 'MESSAGE:SEND'),
        fc.string({ maxLength: 10 }),
      ),
      payload: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record(
          {
            text: fc.oneof(
              fc.string({ unit: 'binary', maxLength: 20 }),
              fc.jsonValue({ maxDepth: 1 }),
            ),
            reply_to: fc.oneof(
              fc.constant(null),
              fc.uuid(),
              // Read when generated: the message exists only once the server runs.
              fc.constant(null).map(() => message.id),
              fc.jsonValue({ maxDepth: 1 }),
            ),
            client_id: fc.oneof(fc.constant(null), fc.uuid(), fc.string({ maxLength: 8 })),
          },
          { requiredKeys: [] },
        ),
      ),
    })
    .map((frame) => JSON.stringify(frame)),
);

const frame = fc.oneof(
  frameText.map((text) => ({ text })),
  fc.uint8Array({ maxLength: 30 }).map((bytes) => ({ bytes })),
);

describe('socket fuzzing', () => {
  let socket: TestSocket;

  beforeAll(async () => {
    // The REST fuzzing may have deleted the last conversation.
    await freshTargets();
    socket = await server.openSocket(room.id, aibek.access);
  });

  afterAll(() => socket.close());

  it('answers every arbitrary or mutated frame sequence without dropping the socket or an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
        const before = socket.frames.length;
        for (const input of frames) {
          if ('bytes' in input) socket.raw.send(Buffer.from(input.bytes), { binary: true });
          else socket.sendRaw(input.text);
        }
        // Frames are handled in order, so the pong comes after every answer to them.
        socket.send({ type: 'ping' });
        await socket.nextFrame((received) => received.type === 'pong', 10_000);
        const answers = socket.frames.slice(before);
        for (const answer of answers) {
          expect(JSON.stringify(answer)).not.toMatch(LEAK);
          if (answer.type === 'error') {
            expect(typeof answer.payload.code).toBe('string');
            expect(typeof answer.payload.detail).toBe('string');
            expect(answer.payload.code).not.toBe('internal_error');
          }
        }
        expect(socket.raw.readyState).toBe(socket.raw.OPEN);
      }),
      settings,
    );
  });
});
