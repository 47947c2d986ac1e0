import type { Conversation, Message } from '../../src/api/types';
import { rawRequest, startTestServer } from '../support/server';
import type { TestServer, TestSocket } from '../support/server';
import type { Cast } from './fixtures';
import {
  API,
  closeAll,
  createGroup,
  expectNothingPending,
  loginAll,
  postMessage,
} from './fixtures';

const MAX_BODY = 16 * 1024;
const MAX_FRAME = 16 * 1024;

let server: TestServer;
let cast: Cast;
let group: Conversation;
let other: Conversation;
let message: Message;
let foreignMessage: Message;

beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: MAX_BODY, maxFrameBytes: MAX_FRAME });
  cast = await loginAll(server);
  group = await createGroup(cast.aibek, [cast.aizada]);
  other = await createGroup(cast.aibek, []);
  message = await postMessage(cast.aibek, group.id, 'anchor');
  foreignMessage = await postMessage(cast.aibek, other.id, 'elsewhere');
});

afterAll(() => server.close());

const UNKNOWN_UUID = '00000000-0000-7000-8000-000000000000';

interface RestCase {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  headers?: Record<string, string>;
  anonymous?: boolean;
  token?: string;
  status: number;
  code?: string;
}

const send = (fields: Record<string, unknown>) => () => ({
  conversation_id: group.id,
  sender_id: 1,
  text: 'hello',
  reply_to: null,
  ...fields,
});

const restCases: RestCase[] = [
  // Body that is not JSON or not an object.
  {
    name: 'malformed JSON',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => '{"type": ',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'a text/plain body',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => 'type=group',
    headers: { 'content-type': 'text/plain' },
    status: 400,
    code: 'unsupported_media_type',
  },
  {
    name: 'no body at all',
    method: 'POST',
    path: () => `${API}/conversations/`,
    status: 400,
    code: 'body_required',
  },
  {
    name: 'a JSON array as body',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => [],
    status: 422,
  },
  {
    name: 'a JSON string as body',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: () => '"hello"',
    status: 422,
  },
  {
    name: 'a body over the size limit',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ text: 'x'.repeat(MAX_BODY) }),
    status: 413,
    code: 'body_too_large',
  },
  // Conversations.
  {
    name: 'an unknown conversation type',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => ({ type: 'channel' }),
    status: 422,
  },
  {
    name: 'a missing conversation type',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => ({ title: 'x' }),
    status: 422,
  },
  {
    name: 'a title of 201 characters',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => ({ type: 'group', title: 'т'.repeat(201) }),
    status: 422,
  },
  {
    name: 'a title that is a number',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => ({ type: 'group', title: 5 }),
    status: 422,
  },
  {
    name: 'participant_ids that is not an array',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => ({ type: 'group', participant_ids: '2' }),
    status: 422,
  },
  {
    name: 'a participant id that is not a positive integer',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => ({ type: 'group', participant_ids: [1.5] }),
    status: 422,
  },
  {
    name: 'a participant id of nobody',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => ({ type: 'group', participant_ids: [999] }),
    status: 422,
  },
  {
    name: 'a private conversation without a partner',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => ({ type: 'private', participant_ids: [1] }),
    status: 422,
  },
  {
    name: 'a private conversation with two partners',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => ({ type: 'private', participant_ids: [2, 3] }),
    status: 422,
  },
  {
    name: 'service that is not a string',
    method: 'POST',
    path: () => `${API}/conversations/`,
    body: () => ({ type: 'group', service: 7 }),
    status: 422,
  },
  {
    name: 'a conversation id in the path that is not a UUID',
    method: 'GET',
    path: () => `${API}/conversations/42`,
    status: 404,
  },
  {
    name: 'a conversation that does not exist',
    method: 'GET',
    path: () => `${API}/conversations/${UNKNOWN_UUID}`,
    status: 404,
  },
  // Sending messages.
  {
    name: 'empty text',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ text: '' }),
    status: 422,
  },
  {
    name: 'text of only spaces',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ text: ' \n\t ' }),
    status: 422,
  },
  {
    name: 'text of 4001 characters',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ text: 'я'.repeat(4001) }),
    status: 422,
  },
  {
    name: 'text that is not a string',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ text: 42 }),
    status: 422,
  },
  {
    name: 'missing text',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ text: undefined }),
    status: 422,
  },
  {
    name: 'a conversation_id that is not a UUID',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ conversation_id: 'abc' }),
    status: 422,
  },
  {
    name: 'a conversation_id of no conversation',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ conversation_id: UNKNOWN_UUID }),
    status: 404,
  },
  {
    name: 'a sender_id that is a string',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ sender_id: '1' }),
    status: 422,
  },
  {
    name: 'a reply_to that is not a UUID',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ reply_to: 'first' }),
    status: 422,
  },
  {
    name: 'a reply_to of no message',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ reply_to: UNKNOWN_UUID }),
    status: 422,
  },
  {
    name: 'a reply_to from another conversation',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: () => send({ reply_to: foreignMessage.id })(),
    status: 422,
  },
  {
    name: 'a client_id that is not a UUID',
    method: 'POST',
    path: () => `${API}/messages/`,
    body: send({ client_id: 'tmp-1' }),
    status: 422,
  },
  // Editing and deleting messages.
  {
    name: 'an edit with empty text',
    method: 'PUT',
    path: () => `${API}/messages/${message.id}`,
    body: () => ({ text: '' }),
    status: 422,
  },
  {
    name: 'an edit without text',
    method: 'PUT',
    path: () => `${API}/messages/${message.id}`,
    body: () => ({}),
    status: 422,
  },
  {
    name: 'a message id in the path that is not a UUID',
    method: 'PUT',
    path: () => `${API}/messages/first`,
    body: () => ({ text: 'x' }),
    status: 404,
  },
  {
    name: 'deleting a message that does not exist',
    method: 'DELETE',
    path: () => `${API}/messages/${UNKNOWN_UUID}`,
    status: 404,
  },
  // Paging.
  {
    name: 'limit=0',
    method: 'GET',
    path: () => `${API}/messages/${group.id}?limit=0`,
    status: 422,
  },
  {
    name: 'limit=abc',
    method: 'GET',
    path: () => `${API}/messages/${group.id}?limit=abc`,
    status: 422,
  },
  {
    name: 'limit=201',
    method: 'GET',
    path: () => `${API}/messages/${group.id}?limit=201`,
    status: 422,
  },
  {
    name: 'limit given twice',
    method: 'GET',
    path: () => `${API}/messages/${group.id}?limit=1&limit=2`,
    status: 422,
  },
  {
    name: 'before and after together',
    method: 'GET',
    path: () => `${API}/messages/${group.id}?before=${message.id}&after=${message.id}`,
    status: 422,
  },
  {
    name: 'a before that is not a UUID',
    method: 'GET',
    path: () => `${API}/messages/${group.id}?before=latest`,
    status: 422,
  },
  {
    name: 'an after of no message',
    method: 'GET',
    path: () => `${API}/messages/${group.id}?after=${UNKNOWN_UUID}`,
    status: 422,
    code: 'invalid_cursor',
  },
  {
    name: 'a cursor from another conversation',
    method: 'GET',
    path: () => `${API}/messages/${group.id}?before=${foreignMessage.id}`,
    status: 422,
    code: 'invalid_cursor',
  },
  // Participants.
  {
    name: 'a user_id that is a string',
    method: 'POST',
    path: () => `${API}/conversations/${group.id}/participants/`,
    body: () => ({ user_id: '3' }),
    status: 422,
  },
  {
    name: 'a user_id of nobody',
    method: 'POST',
    path: () => `${API}/conversations/${group.id}/participants/`,
    body: () => ({ user_id: 999 }),
    status: 422,
  },
  {
    name: 'a user id in the path that is not a number',
    method: 'DELETE',
    path: () => `${API}/conversations/${group.id}/participants/bakyt`,
    status: 404,
  },
  {
    name: 'removing someone who does not take part',
    method: 'DELETE',
    path: () => `${API}/conversations/${group.id}/participants/4`,
    status: 404,
  },
  // Auth and routing.
  {
    name: 'a wrong password',
    method: 'POST',
    path: () => '/api/auth/login/',
    body: () => ({ username: 'aibek', password: 'wrong' }),
    anonymous: true,
    status: 401,
    code: 'invalid_credentials',
  },
  {
    name: 'an unknown username',
    method: 'POST',
    path: () => '/api/auth/login/',
    body: () => ({ username: 'nobody', password: 'demo' }),
    anonymous: true,
    status: 401,
    code: 'invalid_credentials',
  },
  {
    name: 'a login without a password',
    method: 'POST',
    path: () => '/api/auth/login/',
    body: () => ({ username: 'aibek' }),
    anonymous: true,
    status: 422,
  },
  {
    name: 'a refresh token that is garbage',
    method: 'POST',
    path: () => '/api/auth/refresh/',
    body: () => ({ refresh: 'garbage' }),
    anonymous: true,
    status: 401,
    code: 'token_invalid',
  },
  {
    name: 'a bearer token that is garbage',
    method: 'GET',
    path: () => `${API}/conversations/`,
    token: 'garbage',
    status: 401,
    code: 'token_invalid',
  },
  {
    name: 'a token signed with another secret',
    method: 'GET',
    path: () => `${API}/conversations/`,
    token:
      'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxLCJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjo0MTAyNDQ0ODAwfQ.ZmFrZXNpZ25hdHVyZWZha2VzaWduYXR1cmVmYWtlc2k',
    status: 401,
    code: 'token_invalid',
  },
  { name: 'an unknown API path', method: 'GET', path: () => `${API}/nothing-here/`, status: 404 },
  {
    name: 'a malformed percent-encoding in the path',
    method: 'GET',
    path: () => `${API}/conversations/%E0%A4%A`,
    status: 400,
  },
];

describe('bad input over REST', () => {
  it.each(restCases.map((c) => [c.name, c] as const))(
    'answers %s with the right status and a detail',
    async (_name, c) => {
      const body = c.body?.();
      const { status, body: answer } = await rawRequest<{ detail: unknown; code: unknown }>(
        server.url,
        c.method,
        c.path(),
        {
          body,
          token: c.anonymous ? undefined : (c.token ?? cast.aibek.access),
          headers: c.headers,
        },
      );
      expect(status).toBe(c.status);
      expect(answer.detail).toEqual(expect.any(String));
      expect(answer.code).toEqual(c.code ?? expect.any(String));
    },
  );

  it('ignores unknown fields', async () => {
    const { status } = await cast.aibek.request('POST', `${API}/messages/`, {
      ...send({})(),
      priority: 'high',
      attachments: [],
    });
    expect(status).toBe(201);
  });
});

interface FrameCase {
  name: string;
  frame: () => string | Buffer;
  code: string;
  clientId?: string;
}

const sendFrame = (payload: unknown) => () => JSON.stringify({ type: 'message:send', payload });
const CLIENT_ID = '0190a6e0-0000-7000-8000-0000000000aa';

const frameCases: FrameCase[] = [
  { name: 'text that is not JSON', frame: () => 'hello?', code: 'invalid_json' },
  { name: 'a JSON array', frame: () => '[1,2]', code: 'invalid_frame' },
  { name: 'a JSON null', frame: () => 'null', code: 'invalid_frame' },
  { name: 'an object without type', frame: () => '{"payload":{}}', code: 'invalid_frame' },
  { name: 'a type that is not a string', frame: () => '{"type":5}', code: 'invalid_frame' },
  {
    name: 'an unknown type',
    frame: () => '{"type":"message:shout","payload":{}}',
    code: 'unknown_type',
  },
  { name: 'a binary frame', frame: () => Buffer.from([1, 2, 3]), code: 'invalid_frame' },
  {
    name: 'a frame over the size limit',
    frame: sendFrame({ text: 'x'.repeat(MAX_FRAME + 10) }),
    code: 'frame_too_large',
  },
  {
    name: 'message:send without payload',
    frame: () => '{"type":"message:send"}',
    code: 'validation_error',
  },
  {
    name: 'message:send with empty text',
    frame: sendFrame({ text: '  ', client_id: CLIENT_ID }),
    code: 'validation_error',
    clientId: CLIENT_ID,
  },
  {
    name: 'message:send with text over 4000 characters',
    frame: sendFrame({ text: 'ы'.repeat(4001) }),
    code: 'validation_error',
  },
  {
    name: 'message:send with text that is not a string',
    frame: sendFrame({ text: ['hi'], client_id: CLIENT_ID }),
    code: 'validation_error',
    clientId: CLIENT_ID,
  },
  {
    name: 'message:send with a reply_to that is not a UUID',
    frame: sendFrame({ text: 'hi', reply_to: 7 }),
    code: 'validation_error',
  },
  {
    name: 'message:send with a reply_to from another conversation',
    frame: () => sendFrame({ text: 'hi', reply_to: foreignMessage.id, client_id: CLIENT_ID })(),
    code: 'validation_error',
    clientId: CLIENT_ID,
  },
  {
    name: 'message:send with a client_id that is not a UUID',
    frame: sendFrame({ text: 'hi', client_id: 'tmp-1' }),
    code: 'validation_error',
    clientId: 'tmp-1',
  },
];

describe('bad input over a socket', () => {
  let socket: TestSocket;

  beforeAll(async () => {
    socket = await server.openSocket(group.id, cast.aizada.access);
  });

  afterAll(() => closeAll(socket));

  it.each(frameCases.map((c) => [c.name, c] as const))(
    'answers %s with an error frame and keeps the socket open',
    async (_name, c) => {
      const data = c.frame();
      if (typeof data === 'string') socket.sendRaw(data);
      else socket.raw.send(data);
      const error = await socket.nextFrame<{ code: string; detail: string; client_id?: string }>();
      expect(error.type).toBe('error');
      expect(error.payload.code).toBe(c.code);
      expect(error.payload.detail).toEqual(expect.any(String));
      if (c.clientId) expect(error.payload.client_id).toBe(c.clientId);
      await expectNothingPending(socket);
    },
  );

  it('still accepts a valid message of exactly 4000 characters afterwards', async () => {
    socket.send({ type: 'message:send', payload: { text: 'ы'.repeat(4000), reply_to: null } });
    const created = await socket.nextFrame<Message>();
    expect(created.type).toBe('message:new');
    expect(created.payload.text).toHaveLength(4000);
  });
});
