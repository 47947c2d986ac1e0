/**
 * A request the fake `fetch` received, as the handler and the test see it.
 *
 * @example
 * ```ts
 * const { fetchFn, requests } = createFakeFetch(() => ({ status: 200, body: [] }));
 * // … after the code under test ran:
 * expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/unet-chat/conversations/']);
 * ```
 */
export interface RecordedRequest {
  method: string;
  /** The full URL. */
  url: string;
  /** The path and query, without the origin (`/api/unet-chat/messages/c1?limit=50`). */
  path: string;
  /** The `Authorization` header, or `null`. */
  authorization: string | null;
  /** The JSON body, parsed (`undefined` without a body; the text when it is not JSON). */
  body: unknown;
}

/**
 * What the fake server answers: a status with a JSON body, or a network failure
 * (the promise of `fetch` rejects, as it does offline).
 *
 * @example
 * ```ts
 * const answers: FakeAnswer[] = [{ status: 200, body: [] }, { status: 401 }, 'network-error'];
 * ```
 */
export type FakeAnswer = { status: number; body?: unknown } | 'network-error';

/**
 * Answers one request; may be async to hold an answer back.
 *
 * @example
 * ```ts
 * const handler: FakeFetchHandler = (request) =>
 *   request.path.startsWith('/api/unet-chat/conversations/') ? { status: 200, body: [] } : { status: 404 };
 * ```
 */
export type FakeFetchHandler = (
  request: RecordedRequest,
  index: number,
) => FakeAnswer | Promise<FakeAnswer>;

/**
 * The fake `fetch` and the requests it has seen so far.
 *
 * @example
 * ```ts
 * const fake: FakeFetch = createFakeFetch(() => ({ status: 204 }));
 * createChat({ fetchFn: fake.fetchFn });
 * ```
 */
export interface FakeFetch {
  /** Pass it as `createChat({ fetchFn })`. */
  fetchFn: typeof fetch;
  /** Every request, oldest first. */
  requests: RecordedRequest[];
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The handler's answer, unless the request is aborted first: then the promise
 * rejects with the signal's reason, as `fetch` does. Without this an aborted
 * request whose answer is held never settles, and `fetchBaseQuery` keeps its
 * timeout timer (15 s by default) alive after `chat.dispose()`.
 */
function unlessAborted<T>(answer: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return answer;
  const reason = () =>
    (signal.reason as unknown) ?? new DOMException('This operation was aborted', 'AbortError');
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A scripted `fetch` for tests: every request is recorded and answered by
 * `handler`. No network, no global patching: hand `fetchFn` to
 * `createChat({ fetchFn })` (or {@link createTestChat}). Like `fetch`, it
 * rejects once the request's signal aborts, even while the answer is held.
 *
 * @example
 * ```ts
 * const { fetchFn, requests } = createFakeFetch((request) =>
 *   request.method === 'GET' ? { status: 200, body: [fakeConversation(1)] } : { status: 201, body: {} },
 * );
 * ```
 */
export function createFakeFetch(handler: FakeFetchHandler): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    const recorded: RecordedRequest = {
      method: request.method,
      url: request.url,
      path: url.pathname + url.search,
      authorization: request.headers.get('Authorization'),
      body: parseBody(await request.clone().text()),
    };
    requests.push(recorded);
    const answer = await unlessAborted(
      Promise.resolve(handler(recorded, requests.length - 1)),
      request.signal,
    );
    if (answer === 'network-error') throw new TypeError('fetch failed');
    // 204 and 304 may not carry a body.
    const empty = answer.body === undefined || answer.status === 204 || answer.status === 304;
    return new Response(empty ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { fetchFn: fetchFn as typeof fetch, requests };
}
