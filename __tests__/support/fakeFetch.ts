/** A scripted `fetch` for unit tests of the API module: answers by a handler, records every request. */
export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | null;
  body: unknown;
}

export type FakeAnswer = { status: number; body?: unknown } | 'network-error';

export function createFakeFetch(
  handler: (request: RecordedRequest, index: number) => FakeAnswer | Promise<FakeAnswer>,
) {
  const requests: RecordedRequest[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const text = await request.clone().text();
    const recorded: RecordedRequest = {
      method: request.method,
      url: request.url,
      authorization: request.headers.get('Authorization'),
      body: text ? JSON.parse(text) : undefined,
    };
    requests.push(recorded);
    const answer = await handler(recorded, requests.length - 1);
    if (answer === 'network-error') throw new TypeError('fetch failed');
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { fetchFn: fetchFn as typeof fetch, requests };
}
