/**
 * REST answers of the wrong shape, for the fuzz tests: a `fetch` in front of
 * the model server that answers the next requests of one kind with whatever
 * the test says — any status, any body, JSON or not — after letting the
 * server do the work or not. Plus the arbitraries of such answers and what a
 * store must show for each.
 */
import fc from 'fast-check';
import type { ModelServer } from '../support/modelServer';
import { expectedDecode, mutatedFrame, weirdValue } from './frames';

/** Which request of the package an answer replaces. */
export type RequestKind =
  | 'history'
  | 'catchUp'
  | 'older'
  | 'changes'
  | 'send'
  | 'edit'
  | 'delete'
  | 'conversations'
  | 'users';

export function kindOf(method: string, url: string): RequestKind | null {
  const { pathname, searchParams } = new URL(url);
  if (/\/messages\/[^/]+\/changes\/?$/.test(pathname)) return 'changes';
  if (method === 'GET' && /\/messages\/[^/]+\/?$/.test(pathname)) {
    if (searchParams.has('after')) return 'catchUp';
    if (searchParams.has('before')) return 'older';
    return 'history';
  }
  if (method === 'POST' && /\/messages\/?$/.test(pathname)) return 'send';
  if (method === 'PUT' && /\/messages\/[^/]+\/?$/.test(pathname)) return 'edit';
  if (method === 'DELETE' && /\/messages\/[^/]+\/?$/.test(pathname)) return 'delete';
  if (method === 'GET' && /\/conversations\/?$/.test(pathname)) return 'conversations';
  if (method === 'GET' && /\/users\/?$/.test(pathname)) return 'users';
  return null;
}

/**
 * An answer: a status and the body's text as sent (JSON or not), no answer at
 * all, or the server's own answer with broken items slipped into its list (a
 * list answer, or the `messages` and `deleted` of "changes since").
 */
export type RawAnswer =
  | { status: number; text: string | null; contentType: string }
  | 'network-error'
  | { corrupt: unknown[] };

export interface Fault {
  kind: RequestKind;
  answer: RawAnswer;
  /** The server handles the request before the answer is replaced (a write then happened). */
  served: boolean;
  times: number;
}

export interface FiredFault {
  kind: RequestKind;
  answer: RawAnswer;
  served: boolean;
  url: string;
  body: unknown;
  /** How many actions the store had recorded when the answer left. */
  actionIndex: number;
  /** Broken items slipped into the answer: each must be reported once. */
  items: number;
}

const NULL_BODY = new Set([204, 205, 304]);

/** Spreads `junk` through a list (or a changes answer's lists), keeping the real items in order. */
function slipIn(data: unknown, junk: readonly unknown[]): unknown {
  const spread = (list: unknown[], items: readonly unknown[]) => {
    const result = [...list];
    items.forEach((item, index) => result.splice((index * 7) % (result.length + 1), 0, item));
    return result;
  };
  if (Array.isArray(data)) return spread(data, junk);
  const changes = data as { messages?: unknown; deleted?: unknown } | null;
  if (changes && Array.isArray(changes.messages) && Array.isArray(changes.deleted)) {
    const half = Math.ceil(junk.length / 2);
    return {
      ...changes,
      messages: spread(changes.messages, junk.slice(0, half)),
      deleted: spread(changes.deleted, junk.slice(half)),
    };
  }
  return data;
}

export function createFaultyFetch(server: ModelServer, actionCount: () => number) {
  const faults: Fault[] = [];
  const fired: FiredFault[] = [];

  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const kind = kindOf(request.method, request.url);
    const fault = kind ? faults.find((f) => f.kind === kind && f.times > 0) : undefined;
    if (!fault) return server.fetchFn(request);
    fault.times -= 1;
    const text = await request.clone().text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const { answer } = fault;
    if ('corrupt' in Object(answer)) {
      const junk = (answer as { corrupt: unknown[] }).corrupt;
      const real = await server.fetchFn(request);
      const data = (await real.json()) as unknown;
      const slipped = slipIn(data, junk);
      fired.push({
        kind: fault.kind,
        answer,
        served: true,
        url: request.url,
        body,
        actionIndex: actionCount(),
        items: slipped === data ? 0 : junk.length,
      });
      return new Response(JSON.stringify(slipped), {
        status: real.status,
        headers: { 'Content-Type': 'application/json' },
      });
    }
    if (fault.served) await server.fetchFn(request.clone()).catch(() => undefined);
    fired.push({
      kind: fault.kind,
      answer: fault.answer,
      served: fault.served,
      url: request.url,
      body,
      actionIndex: actionCount(),
      items: 0,
    });
    if (answer === 'network-error') throw new TypeError('fetch failed');
    const plain = answer as { status: number; text: string | null; contentType: string };
    return new Response(NULL_BODY.has(plain.status) ? null : plain.text, {
      status: plain.status,
      headers: { 'Content-Type': plain.contentType },
    });
  };

  return {
    fetchFn: fetchFn as typeof fetch,
    fired,
    add(fault: Fault) {
      faults.push({ ...fault });
    },
    clear() {
      faults.splice(0);
    },
    pending: () => faults.filter((f) => f.times > 0).length,
  };
}

export type FaultyFetch = ReturnType<typeof createFaultyFetch>;

// ─── Answers ─────────────────────────────────────────────────────────────────

const isMessage = (item: unknown) =>
  expectedDecode(JSON.stringify({ type: 'message:new', payload: item })).ok;

const isDeletedEntry = (item: unknown) =>
  expectedDecode(JSON.stringify({ type: 'message:deleted', payload: item })).ok;

function isChangesEnvelope(value: unknown): boolean {
  const record = value as { cursor?: unknown; messages?: unknown; deleted?: unknown } | null;
  return (
    !!record &&
    typeof record === 'object' &&
    typeof record.cursor === 'string' &&
    Array.isArray(record.messages) &&
    Array.isArray(record.deleted)
  );
}

const json = (status: number, value: unknown): RawAnswer => ({
  status,
  text: JSON.stringify(value) ?? 'null',
  contentType: 'application/json',
});

/** Items that are not messages (mutated message payloads, wrong types): each must be reported. */
const brokenItems = fc.array(
  fc
    .oneof(
      mutatedFrame().map((text) => {
        try {
          return (JSON.parse(text) as { payload?: unknown }).payload ?? null;
        } catch {
          return text;
        }
      }),
      weirdValue,
    )
    .filter((item) => !isMessage(item) && !isDeletedEntry(item)),
  { minLength: 1, maxLength: 4 },
);

/**
 * Bodies of failed answers: the server's own, and any other — a blank or
 * markup `detail`, `msg`s with nothing to say, a `retry_after_ms` no timer
 * can hold.
 */
const errorBodies = fc.oneof(
  fc.constant<unknown>({ detail: 'No.' }),
  fc.constant<unknown>({ detail: [{ msg: 'text: too long', loc: ['body', 'text'] }] }),
  fc.constantFrom<unknown>(
    { detail: '' },
    { detail: '  \n ' },
    { detail: '<b>no</b>' },
    { detail: [{ msg: '' }, { msg: ' ' }] },
  ),
  fc.record({ detail: weirdValue, code: weirdValue }),
  fc.record({
    detail: fc.string(),
    retry_after_ms: fc.constantFrom(-5, 'soon', 1500, null, 2 ** 31, 1e300, Number.MAX_VALUE),
  }),
  weirdValue,
);

/** Statuses whose request went wrong in any way (2xx excluded). */
const oddStatus = fc.constantFrom(
  301,
  302,
  304,
  400,
  401,
  403,
  404,
  405,
  408,
  409,
  410,
  418,
  422,
  429,
  500,
  502,
  503,
  504,
  599,
);

/**
 * A 2xx answer that is not JSON, or JSON that is not a list nor a changes
 * answer. (A well-formed list that lies — `[]` for a page that has messages —
 * is no wrong shape: no client can tell, so it is not generated.)
 */
export const garbage2xx: fc.Arbitrary<RawAnswer> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(200, 201, 203, 299),
      weirdValue.filter((value) => !Array.isArray(value) && !isChangesEnvelope(value)),
    )
    .map(([status, value]) => json(status, value)),
  fc.constantFrom<RawAnswer>(
    { status: 200, text: '<!doctype html><p>Bad gateway</p>', contentType: 'text/html' },
    { status: 200, text: '', contentType: 'application/json' },
    { status: 200, text: '[{"id": "x", ', contentType: 'application/json' },
    { status: 200, text: 'null', contentType: 'application/json' },
    { status: 204, text: null, contentType: 'application/json' },
    { status: 200, text: '\ud800', contentType: 'text/plain' },
  ),
);

const html = (status: number, text: string): RawAnswer => ({
  status,
  text,
  contentType: 'text/html',
});

/** A refusal (4xx) whose body is not JSON, as proxies and gateways send them. */
export const htmlRefusal: fc.Arbitrary<RawAnswer> = fc
  .tuple(
    fc.constantFrom(400, 403, 404, 409, 410, 413, 422),
    fc.constantFrom('<html><body><h1>403 Forbidden</h1></body></html>', 'Payload Too Large'),
  )
  .map(([status, text]) => html(status, text));

/** An answer with a status that says the request failed, and any body, JSON or not. */
export const failure: fc.Arbitrary<RawAnswer> = fc.oneof(
  fc.tuple(oddStatus, errorBodies).map(([status, body]) => json(status, body)),
  fc.tuple(oddStatus, fc.constant('')).map(([status, text]) => html(status, text)),
  fc
    .tuple(oddStatus, fc.constantFrom('<html>Oops</html>', 'Internal Server Error'))
    .map(([status, text]) => html(status, text)),
  htmlRefusal,
  fc.constant<RawAnswer>('network-error'),
);

/** The server's own answer with broken items slipped in. */
export const corrupted: fc.Arbitrary<RawAnswer> = brokenItems.map((corrupt) => ({ corrupt }));

/** What a list endpoint (history, catch-up, older) or "changes since" may be answered with. */
export const listAnswer = fc.oneof(failure, garbage2xx, corrupted);

// ─── What must be reported ─────────────────────────────────────────────────────

export const isSuccess = (answer: RawAnswer) =>
  answer !== 'network-error' &&
  ('corrupt' in answer || (answer.status >= 200 && answer.status < 300));

/** The answer is the server's, with broken items the store must report and drop. */
export const isCorrupted = (answer: RawAnswer): boolean =>
  answer !== 'network-error' && 'corrupt' in answer;

export const statusOf = (answer: RawAnswer): number | null =>
  answer === 'network-error' ? null : 'corrupt' in answer ? 200 : answer.status;

/** A refusal marks a send failed; everything else leaves it pending for a retry. */
export function isRefusal(answer: RawAnswer): boolean {
  const status = statusOf(answer);
  return status !== null && status >= 400 && status < 500 && ![401, 408, 429].includes(status);
}

/** Words a person (or a developer) can act on: not an internal error of the package. */
export function isClearError(text: unknown): boolean {
  return (
    typeof text === 'string' &&
    text.trim().length > 0 &&
    !/^unet-chat-redux:|^(TypeError|RangeError|SyntaxError|Error):|Cannot read properties|is not a function|is not iterable|Unexpected input given to normalize/.test(
      text,
    )
  );
}
