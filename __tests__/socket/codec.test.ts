import type { Message } from '../../src/api/types';
import {
  defaultFrameCodec,
  isConversationDeletedPayload,
  isErrorPayload,
  isMessageDeletedPayload,
  isMessagePayload,
  isParticipantPayload,
  isServerEvent,
  RAW_EXCERPT_LENGTH,
} from '../../src/socket/codec';
import type { DecodeResult } from '../../src/socket/codec';

const message: Message = {
  id: 'm1',
  conversation_id: 'c1',
  sender_id: 7,
  text: 'Привет',
  reply_to: null,
  is_edited: false,
  created_at: '2024-01-01T12:00:00',
};

const decode = (frame: unknown): DecodeResult =>
  defaultFrameCodec.decode(typeof frame === 'string' ? frame : JSON.stringify(frame));

function reasonOf(result: DecodeResult): string {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.event)}`);
  return result.reason;
}

describe('isMessagePayload', () => {
  it('accepts a seed message', () => {
    expect(isMessagePayload(message)).toBe(true);
  });

  it('accepts the [ext] fields and a null text', () => {
    expect(
      isMessagePayload({
        ...message,
        text: null,
        client_id: 'k1',
        updated_at: '2024-01-02T00:00:00Z',
      }),
    ).toBe(true);
    expect(isMessagePayload({ ...message, client_id: null, updated_at: null })).toBe(true);
  });

  it.each([
    ['id missing', { ...message, id: undefined }],
    ['id a number', { ...message, id: 1 }],
    ['conversation_id missing', { ...message, conversation_id: undefined }],
    ['sender_id a string', { ...message, sender_id: '7' }],
    ['sender_id NaN', { ...message, sender_id: Number.NaN }],
    ['text a number', { ...message, text: 5 }],
    ['text missing', { ...message, text: undefined }],
    ['reply_to missing', { ...message, reply_to: undefined }],
    ['is_edited a string', { ...message, is_edited: 'false' }],
    ['created_at null', { ...message, created_at: null }],
    ['client_id a number', { ...message, client_id: 3 }],
    ['updated_at a boolean', { ...message, updated_at: true }],
  ])('rejects a message with %s', (_case, value) => {
    expect(isMessagePayload(value)).toBe(false);
  });

  it.each([null, 'm1', 42, [message]])('rejects %p', (value) => {
    expect(isMessagePayload(value)).toBe(false);
  });
});

describe('payload guards', () => {
  it('checks message:deleted payloads', () => {
    expect(isMessageDeletedPayload({ id: 'm1', conversation_id: 'c1' })).toBe(true);
    expect(isMessageDeletedPayload({ id: 'm1' })).toBe(false);
    expect(isMessageDeletedPayload({ id: 1, conversation_id: 'c1' })).toBe(false);
  });

  it('checks participant payloads', () => {
    expect(isParticipantPayload({ conversation_id: 'c1', user_id: 7 })).toBe(true);
    expect(isParticipantPayload({ conversation_id: 'c1', user_id: '7' })).toBe(false);
    expect(isParticipantPayload({ user_id: 7 })).toBe(false);
  });

  it('checks conversation:deleted payloads', () => {
    expect(isConversationDeletedPayload({ id: 'c1' })).toBe(true);
    expect(isConversationDeletedPayload({ id: null })).toBe(false);
    expect(isConversationDeletedPayload(undefined)).toBe(false);
  });

  it('checks error payloads, with or without client_id', () => {
    expect(isErrorPayload({ code: 'forbidden', detail: 'No' })).toBe(true);
    expect(isErrorPayload({ code: 'forbidden', detail: 'No', client_id: 'k1' })).toBe(true);
    expect(isErrorPayload({ code: 'forbidden', detail: 'No', client_id: null })).toBe(true);
    expect(isErrorPayload({ code: 'forbidden', detail: 'No', client_id: 5 })).toBe(false);
    expect(isErrorPayload({ code: 403, detail: 'No' })).toBe(false);
    expect(isErrorPayload({ code: 'forbidden' })).toBe(false);
  });

  it('checks whole events', () => {
    expect(isServerEvent({ type: 'message:new', payload: message })).toBe(true);
    expect(isServerEvent({ type: 'pong' })).toBe(true);
    expect(isServerEvent({ type: 'message:new', payload: {} })).toBe(false);
    expect(isServerEvent({ type: 'typing', payload: {} })).toBe(false);
  });
});

describe('defaultFrameCodec.decode', () => {
  it.each([
    ['message:new', message],
    ['message:updated', { ...message, is_edited: true, updated_at: '2024-01-01T12:01:00Z' }],
    ['message:deleted', { id: 'm1', conversation_id: 'c1' }],
    ['participant:added', { conversation_id: 'c1', user_id: 9 }],
    ['participant:removed', { conversation_id: 'c1', user_id: 9 }],
    ['conversation:deleted', { id: 'c1' }],
    ['error', { code: 'forbidden', detail: 'Not a participant', client_id: 'k1' }],
  ])('decodes a valid %s frame', (type, payload) => {
    expect(decode({ type, payload })).toEqual({ ok: true, event: { type, payload } });
  });

  it.each([
    ['message:new', { ...message, sender_id: 'seven' }, '"sender_id" must be a number'],
    ['message:updated', { ...message, is_edited: 1 }, '"is_edited" must be a boolean'],
    ['message:deleted', { id: 'm1' }, '"conversation_id" must be a string'],
    ['participant:added', { conversation_id: 'c1' }, '"user_id" must be a number'],
    [
      'participant:removed',
      { conversation_id: 3, user_id: 9 },
      '"conversation_id" must be a string',
    ],
    ['conversation:deleted', {}, '"id" must be a string'],
    [
      'error',
      { code: 'x', detail: 'y', client_id: 1 },
      '"client_id" must be a string or null when present',
    ],
  ])('rejects a wrong %s payload, naming the field', (type, payload, problem) => {
    expect(reasonOf(decode({ type, payload }))).toBe(`payload of "${type}" ${problem}`);
  });

  it('rejects a frame whose payload is missing', () => {
    expect(reasonOf(decode({ type: 'message:new' }))).toBe(
      'payload of "message:new" is not an object',
    );
  });

  it('keeps fields it does not know', () => {
    const result = decode({ type: 'message:new', payload: { ...message, reactions: ['👍'] } });
    expect(result).toEqual({
      ok: true,
      event: { type: 'message:new', payload: { ...message, reactions: ['👍'] } },
    });
  });

  it('decodes pong with or without a payload', () => {
    expect(decode({ type: 'pong' })).toEqual({ ok: true, event: { type: 'pong' } });
    expect(decode({ type: 'pong', payload: { at: 1 } })).toEqual({
      ok: true,
      event: { type: 'pong' },
    });
  });

  it('rejects text that is not JSON, and keeps it as raw', () => {
    expect(decode('hello')).toEqual({ ok: false, reason: 'frame is not JSON', raw: 'hello' });
  });

  it.each([['[1,2]'], ['null'], ['"message:new"'], ['42']])(
    'rejects %s, which is not an object',
    (data) => {
      expect(reasonOf(decode(data))).toBe('frame is not a JSON object');
    },
  );

  it('rejects a frame without a string type', () => {
    expect(reasonOf(decode({ payload: message }))).toBe('frame has no string "type"');
    expect(reasonOf(decode({ type: 5, payload: message }))).toBe('frame has no string "type"');
  });

  it('rejects an unknown type, including inherited property names', () => {
    expect(reasonOf(decode({ type: 'reaction:added', payload: {} }))).toBe(
      'unknown frame type "reaction:added"',
    );
    expect(reasonOf(decode({ type: 'toString', payload: {} }))).toBe(
      'unknown frame type "toString"',
    );
  });

  it('truncates the raw text of a rejected frame', () => {
    const huge = `{"type":"typing","payload":"${'x'.repeat(10_000)}"}`;
    const result = defaultFrameCodec.decode(huge);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.raw).toBe(`${huge.slice(0, RAW_EXCERPT_LENGTH)}…`);
    }
  });
});

describe('defaultFrameCodec.encode', () => {
  it('encodes message:send as the contract spells it', () => {
    const frame = {
      type: 'message:send',
      payload: { text: 'Hi', reply_to: null, client_id: 'k1' },
    } as const;
    expect(JSON.parse(defaultFrameCodec.encode(frame))).toEqual({
      type: 'message:send',
      payload: { text: 'Hi', reply_to: null, client_id: 'k1' },
    });
  });

  it('encodes ping without a payload', () => {
    expect(defaultFrameCodec.encode({ type: 'ping' })).toBe('{"type":"ping"}');
  });
});
