/**
 * Arbitraries of the fuzz tests: valid frames of every type of the contract,
 * mutations of them (fields dropped, altered, retyped; `__proto__` and
 * `constructor` keys; lone surrogates; huge numbers; deep nesting; broken
 * JSON text), junk — and an oracle, written from the contract and not from
 * the codec, that says which texts are valid frames and what they decode to.
 */
import fc from 'fast-check';

/**
 * Runs of one property: the short default of `npm test`, or `FUZZ_RUNS`
 * times `weight` in the long run (`npm run fuzz`). `FUZZ_SEED` replays a run.
 */
export function fuzzRuns(short: number, weight = 1): number {
  const long = Number(process.env.FUZZ_RUNS);
  return Number.isFinite(long) && long > 0 ? Math.max(1, Math.round(long * weight)) : short;
}

/**
 * fast-check parameters: the runs, the seed when one is given to replay a
 * failure, and `FUZZ_NO_SHRINK=1` to report the first failure as found.
 */
export function fuzzParameters(short: number, weight = 1): fc.Parameters<unknown> {
  const seed = Number(process.env.FUZZ_SEED);
  return {
    numRuns: fuzzRuns(short, weight),
    ...(Number.isInteger(seed) ? { seed } : {}),
    ...(process.env.FUZZ_NO_SHRINK ? { endOnFailure: true } : {}),
  };
}

/** A jest timeout for a property: generous for the long run, the default otherwise. */
export function fuzzTimeout(msPerRun: number, short: number, weight = 1): number {
  return Math.max(20_000, fuzzRuns(short, weight) * msPerRun * 3);
}

// ─── The oracle ─────────────────────────────────────────────────────────────

/** How deep a frame may nest (the frame object itself is level 1). */
export const ORACLE_MAX_DEPTH = 32;

type Check = (value: unknown, present: boolean) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** Ids become keys of the store's tables: names of `Object.prototype` cannot be. */
const key: Check = (v) => typeof v === 'string' && !(v in Object.prototype);
const keyOrNull: Check = (v) => v === null || key(v, true);
const str: Check = (v) => typeof v === 'string';
const strOrNull: Check = (v) => v === null || typeof v === 'string';
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const bool: Check = (v) => typeof v === 'boolean';
const optional =
  (check: Check): Check =>
  (v, present) =>
    !present || check(v, true);

const MESSAGE: Record<string, Check> = {
  id: key,
  conversation_id: key,
  sender_id: num,
  text: strOrNull,
  reply_to: keyOrNull,
  is_edited: bool,
  created_at: str,
  client_id: optional(keyOrNull),
  updated_at: optional(strOrNull),
};
/** The fields of a message the contract checks, seed and [ext]. */
export const MESSAGE_FIELDS: readonly string[] = Object.keys(MESSAGE);
const SHAPES: Record<string, Record<string, Check>> = {
  'message:new': MESSAGE,
  'message:updated': MESSAGE,
  'message:deleted': { id: key, conversation_id: key },
  'participant:added': { conversation_id: key, user_id: num },
  'participant:removed': { conversation_id: key, user_id: num },
  'conversation:deleted': { id: key },
  error: { code: str, detail: str, client_id: optional(keyOrNull), retry_after_ms: optional(num) },
};

/** Nesting depth of a JSON value, without recursion (a frame may be deeper than the stack). */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export type Expected = { ok: true; event: unknown } | { ok: false };

/** What the contract says a text frame decodes to. */
export function expectedDecode(data: string): Expected {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return { ok: false };
  }
  if (!isObject(frame) || typeof frame.type !== 'string') return { ok: false };
  if (depthOf(frame) > ORACLE_MAX_DEPTH) return { ok: false };
  if (frame.type === 'pong') return { ok: true, event: { type: 'pong' } };
  if (!Object.prototype.hasOwnProperty.call(SHAPES, frame.type)) return { ok: false };
  const payload = frame.payload;
  if (!isObject(payload)) return { ok: false };
  for (const [name, check] of Object.entries(SHAPES[frame.type]!)) {
    if (!check(payload[name], Object.prototype.hasOwnProperty.call(payload, name)))
      return { ok: false };
  }
  return { ok: true, event: { type: frame.type, payload } };
}

// ─── Valid frames ───────────────────────────────────────────────────────────

export const FRAME_TYPES = [
  'message:new',
  'message:updated',
  'message:deleted',
  'participant:added',
  'participant:removed',
  'conversation:deleted',
  'error',
  'pong',
] as const;

export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
] as const;

/** Lone surrogates, NUL, controls, right-to-left marks, emoji, combining marks. */
export const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((n) => String.fromCharCode(n)),
    maxLength: 5,
  }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '👍🏽', 'e\u0301', '\ufeff', 'Привет', '\\"'),
);

const uuid = fc.uuid();
const isoTime = fc
  .integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') })
  .map((ms) => new Date(ms).toISOString());
/** Keys of extra fields a server may add (kept, never a reason to reject). */
const extraKey = fc
  .string({ minLength: 1, maxLength: 8 })
  .filter((name) => !(name in Object.prototype) && !['type', 'payload'].includes(name));
const extras = fc.dictionary(extraKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 });

export interface MessageFields {
  id?: fc.Arbitrary<string>;
  conversationId?: fc.Arbitrary<string>;
  createdAt?: fc.Arbitrary<string>;
}

/** A message payload of the contract, [ext] fields and unknown extras included. */
export function messagePayload(fields: MessageFields = {}): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(
      {
        id: fields.id ?? uuid,
        conversation_id: fields.conversationId ?? uuid,
        sender_id: fc.oneof(
          fc.nat(1000),
          fc.integer(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
        ),
        text: fc.option(fc.oneof(fc.string(), oddText), { nil: null }),
        reply_to: fc.option(uuid, { nil: null }),
        is_edited: fc.boolean(),
        created_at: fields.createdAt ?? fc.oneof(isoTime, fc.string()),
        client_id: fc.option(uuid, { nil: null }),
        updated_at: fc.option(isoTime, { nil: null }),
      },
      {
        requiredKeys: [
          'id',
          'conversation_id',
          'sender_id',
          'text',
          'reply_to',
          'is_edited',
          'created_at',
        ],
      },
    )
    .chain((message) => extras.map((more) => ({ ...more, ...message })));
}

/** A valid frame of the given type (any type by default), as an object. */
export function validFrame(
  fields: MessageFields = {},
  types: readonly (typeof FRAME_TYPES)[number][] = FRAME_TYPES,
): fc.Arbitrary<Record<string, unknown>> {
  const conversationId = fields.conversationId ?? uuid;
  const byType: Record<(typeof FRAME_TYPES)[number], fc.Arbitrary<unknown>> = {
    'message:new': messagePayload(fields),
    'message:updated': messagePayload(fields),
    'message:deleted': fc.record({ id: fields.id ?? uuid, conversation_id: conversationId }),
    'participant:added': fc.record({ conversation_id: conversationId, user_id: fc.integer() }),
    'participant:removed': fc.record({ conversation_id: conversationId, user_id: fc.integer() }),
    'conversation:deleted': fc.record({ id: conversationId }),
    error: fc.record(
      {
        code: fc.oneof(
          fc.constantFrom('rate_limited', 'forbidden', 'validation_error'),
          fc.string(),
        ),
        detail: fc.oneof(fc.string(), oddText),
        client_id: fc.option(uuid, { nil: null }),
        retry_after_ms: fc.oneof(
          fc.nat(60_000),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
        ),
      },
      { requiredKeys: ['code', 'detail'] },
    ),
    pong: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
  };
  return fc
    .constantFrom(...types)
    .chain((type) =>
      byType[type].map((payload) =>
        type === 'pong' && payload === undefined ? { type } : { type, payload },
      ),
    );
}

// ─── Mutations ──────────────────────────────────────────────────────────────

/** JSON values chosen to break guards: wrong types, huge and tiny numbers, odd strings, deep nests. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    null,
    true,
    0,
    -0,
    1e308,
    -1e308,
    5e-324,
    2 ** 53 + 1,
    1e21,
    '',
    '1',
    'null',
    [],
    {},
    [null],
    { id: 'x' },
    ...PROTOTYPE_NAMES,
  ),
  oddText,
  fc.string({ minLength: 300, maxLength: 2000 }),
  fc.integer({ min: 20, max: 60 }).map((depth) => nested(depth)),
);

/** An array nested `depth` levels deep. */
export function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

/** Sets an own property, `__proto__` included (an assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

const clone = (frame: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(frame)) as Record<string, unknown>;

const payloadOf = (frame: Record<string, unknown>) =>
  typeof frame.payload === 'object' && frame.payload !== null && !Array.isArray(frame.payload)
    ? (frame.payload as Record<string, unknown>)
    : null;

type Mutation = (frame: Record<string, unknown>) => fc.Arbitrary<string>;

const fieldOf = (frame: Record<string, unknown>) =>
  fc.constantFrom('payload', ...Object.keys(payloadOf(frame) ?? {}));

const mutations: Mutation[] = [
  // Drop a field of the payload, or the type, or the payload.
  (frame) =>
    fc
      .oneof(
        fieldOf(frame).map((name) => `payload.${name}`),
        fc.constantFrom('type', 'payload'),
      )
      .map((path) => {
        const copy = clone(frame);
        const payload = payloadOf(copy);
        if (path.startsWith('payload.') && payload) Reflect.deleteProperty(payload, path.slice(8));
        else Reflect.deleteProperty(copy, path);
        return JSON.stringify(copy);
      }),
  // Alter or retype a field of the payload (a known one, or a new one such as `__proto__`).
  (frame) =>
    fc
      .tuple(fc.oneof(fieldOf(frame), fc.constantFrom(...PROTOTYPE_NAMES), extraKey), weirdValue)
      .map(([name, value]) => {
        const copy = clone(frame);
        const payload = payloadOf(copy);
        if (payload) setOwn(payload, name, value);
        else setOwn(copy, name, value);
        return JSON.stringify(copy);
      }),
  // Retype the frame: another type, a near miss, a prototype name, a non-string.
  (frame) =>
    fc
      .oneof(
        fc.constantFrom(
          ...FRAME_TYPES,
          ...PROTOTYPE_NAMES,
          'Message:New',
          ' pong',
          'message:new ',
          'message',
          '',
        ),
        weirdValue,
        fc.string({ minLength: 300, maxLength: 3000 }),
      )
      .map((type) => JSON.stringify({ ...clone(frame), type })),
  // Replace the payload with something else entirely, or wrap the frame.
  (frame) =>
    fc.oneof(
      weirdValue.map((payload) => JSON.stringify({ type: frame.type, payload })),
      fc.constant(JSON.stringify([frame])),
      fc.constant(JSON.stringify({ frame })),
      fc.constant(JSON.stringify({ type: frame.type, payload: [frame.payload] })),
      fc.constant(JSON.stringify(JSON.stringify(frame))),
    ),
  // `__proto__` / `constructor.prototype` keys written into the JSON text (prototype pollution).
  (frame) =>
    fc
      .constantFrom(
        '"__proto__":{"polluted":"yes","id":"x"}',
        '"constructor":{"prototype":{"polluted":"yes"}}',
        '"__proto__":null',
        '"__proto__":[1]',
      )
      .chain((injection) =>
        fc.constantFrom('top', 'payload').map((where) => {
          const text = JSON.stringify(frame);
          if (where === 'top') return `{${injection},${text.slice(1)}`;
          return text.replace('"payload":{', `"payload":{${injection},`);
        }),
      ),
  // Break the JSON text: truncate it, insert a character, add garbage or a BOM.
  (frame) => {
    const text = JSON.stringify(frame);
    return fc.oneof(
      fc.nat(text.length - 1).map((at) => text.slice(0, at)),
      fc
        .tuple(
          fc.nat(text.length),
          fc.constantFrom('{', '}', '"', ',', ':', '\\', '\u0000', '\ud800', ' '),
        )
        .map(([at, char]) => text.slice(0, at) + char + text.slice(at)),
      fc.constantFrom(`${text}x`, `${text}${text}`, `\ufeff${text}`, ` \n${text}\t`, `${text},`),
    );
  },
  // Lone surrogates and huge strings in the text fields, raw or escaped.
  (frame) =>
    fc
      .tuple(
        fc.constantFrom('\ud800', '\udfff', '\\ud800', '\\udc00x'),
        fc.constantFrom('text', 'detail', 'id', 'code'),
      )
      .map(([surrogate, field]) =>
        JSON.stringify(frame).replace(new RegExp(`"${field}":"`), `"${field}":"${surrogate}`),
      ),
];

/** A valid frame mutated once or a few times: as JSON text, valid or not (ask the oracle). */
export function mutatedFrame(fields: MessageFields = {}): fc.Arbitrary<string> {
  return validFrame(fields).chain((frame) =>
    fc.constantFrom(...mutations).chain((mutate) => mutate(frame)),
  );
}

/** Text that is anything but a well-formed frame: strings, JSON of any shape, mutated frames. */
export function junkFrame(fields: MessageFields = {}): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
      { weight: 4, arbitrary: mutatedFrame(fields) },
    )
    .filter((text) => !expectedDecode(text).ok);
}
