import fc from 'fast-check';
import {
  defaultFrameCodec,
  isMessagePayload,
  isServerEvent,
  RAW_EXCERPT_LENGTH,
} from '../../src/socket/codec';
import type { DecodeResult } from '../../src/socket/codec';
import {
  expectedDecode,
  fuzzParameters,
  fuzzTimeout,
  junkFrame,
  MESSAGE_FIELDS,
  messagePayload,
  mutatedFrame,
  oddText,
  PROTOTYPE_NAMES,
  validFrame,
  weirdValue,
} from './frames';

/**
 * The frame codec under arbitrary input: `decode` never throws; a valid
 * frame decodes to exactly its data; anything else is `{ ok: false, reason,
 * raw }` with a short reason and a bounded excerpt of what arrived; and
 * whether a frame is valid is what the contract (the oracle in frames.ts)
 * says, not what the codec happens to do.
 */

/** Longest reason a rejection may give: it is logged and kept in state. */
const MAX_REASON = 200;

function decodeChecked(data: string): DecodeResult {
  const result = defaultFrameCodec.decode(data);
  const expected = expectedDecode(data);
  if (expected.ok) {
    // JSON data parsed from one text: equal exactly when their texts are (own `constructor` keys included).
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result)).toBe(JSON.stringify({ ok: true, event: expected.event }));
  } else {
    expect(result.ok).toBe(false);
    if (result.ok) return result;
    expect(Object.keys(result).sort()).toEqual(['ok', 'raw', 'reason']);
    expect(typeof result.reason).toBe('string');
    expect(result.reason.length).toBeGreaterThan(0);
    expect(result.reason.length).toBeLessThanOrEqual(MAX_REASON);
    // The raw excerpt is the start of what arrived, cut (with an ellipsis) when long.
    if (data.length <= RAW_EXCERPT_LENGTH) expect(result.raw).toBe(data);
    else expect(result.raw).toBe(`${data.slice(0, RAW_EXCERPT_LENGTH)}…`);
  }
  // Nothing a frame says reaches the prototypes of every object.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('id');
  return result;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const RUNS = 300;
const WEIGHT = 20;
const params = fuzzParameters(RUNS, WEIGHT);
const timeout = fuzzTimeout(2, RUNS, WEIGHT);

describe('frame codec, fuzzed (fast-check)', () => {
  it(
    'arbitrary strings never throw and are judged as the contract says',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.string({ unit: 'binary' }), oddText, fc.string({ maxLength: 2000 })),
          (data) => {
            decodeChecked(data);
          },
        ),
        params,
      );
    },
    timeout,
  );

  it(
    'arbitrary JSON never throws and is judged as the contract says',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.jsonValue(),
            fc.record({ type: fc.string(), payload: fc.jsonValue() }),
            fc.record({
              type: fc.constantFrom('message:new', 'error', 'pong'),
              payload: fc.object(),
            }),
          ),
          (value) => {
            decodeChecked(JSON.stringify(value));
          },
        ),
        params,
      );
    },
    timeout,
  );

  it(
    'valid frames of every type decode to the same data',
    () => {
      fc.assert(
        fc.property(validFrame(), (frame) => {
          const data = JSON.stringify(frame);
          expect(expectedDecode(data).ok).toBe(true);
          const result = decodeChecked(data);
          const event = frame.type === 'pong' ? { type: 'pong' } : frame;
          expect(JSON.stringify(result)).toBe(JSON.stringify({ ok: true, event }));
          expect(isServerEvent(JSON.parse(data))).toBe(true);
        }),
        params,
      );
    },
    timeout,
  );

  it(
    'mutated frames (fields dropped, altered, retyped; prototype keys; broken text) never throw and are judged as the contract says',
    () => {
      fc.assert(
        fc.property(mutatedFrame(), (data) => {
          const result = decodeChecked(data);
          let parsed: unknown;
          try {
            parsed = JSON.parse(data);
          } catch {
            return;
          }
          // The guard of parsed frames says the same as the decoder.
          expect(isServerEvent(parsed)).toBe(result.ok);
        }),
        params,
      );
    },
    timeout,
  );

  it(
    'a message with one field replaced (by a prototype name, a wrong type, a near miss) is judged as the contract says',
    () => {
      // Denser than the mutations above: every frame of a burst is a message, and its check is
      // written out field by field for speed, so each field of it is tried against each value.
      fc.assert(
        fc.property(
          messagePayload(),
          fc.constantFrom(...MESSAGE_FIELDS),
          fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, undefined), weirdValue),
          fc.constantFrom('message:new', 'message:updated'),
          (message, field, value, type) => {
            const payload: Record<string, unknown> = { ...message };
            if (value === undefined) Reflect.deleteProperty(payload, field);
            else payload[field] = value;
            const data = JSON.stringify({ type, payload });
            const result = decodeChecked(data);
            expect(isMessagePayload(JSON.parse(data).payload)).toBe(result.ok);
          },
        ),
        params,
      );
    },
    timeout,
  );

  it(
    'a huge rejected frame keeps a bounded excerpt and a bounded reason',
    () => {
      fc.assert(
        fc.property(junkFrame(), fc.integer({ min: 1000, max: 50_000 }), (junk, padding) => {
          const data = junk + ' '.repeat(padding);
          const result = decodeChecked(data);
          if (!result.ok) expect(result.raw.length).toBe(RAW_EXCERPT_LENGTH + 1);
        }),
        fuzzParameters(RUNS / 3, WEIGHT / 4),
      );
    },
    timeout,
  );

  it(
    'encoded client frames are JSON that reads back as the same frame, lone surrogates included',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.string({ unit: 'binary' }), oddText),
          fc.option(fc.uuid(), { nil: null }),
          fc.uuid(),
          (text, replyTo, clientId) => {
            const frame = {
              type: 'message:send' as const,
              payload: { text, reply_to: replyTo, client_id: clientId },
            };
            const encoded = defaultFrameCodec.encode(frame);
            // Well-formed JSON text: lone surrogates are escaped, never sent raw.
            expect(LONE_SURROGATE.test(encoded)).toBe(false);
            expect(JSON.parse(encoded)).toStrictEqual(frame);
          },
        ),
        params,
      );
    },
    timeout,
  );
});
