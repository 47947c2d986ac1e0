/*
 * jsdom (jest-environment-jsdom on Node 20) has `Headers` and `AbortController`
 * but no `Request` or `Response`, which RTK Query's `fetchBaseQuery` and the
 * fake fetch build. These two classes do just what those two need: string
 * bodies, `clone`, `text`, `json`.
 */

class MinimalRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly signal: AbortSignal | null;
  private readonly body: string | null;

  constructor(input: string | URL | MinimalRequest, init: RequestInit = {}) {
    const source = input instanceof MinimalRequest ? input : null;
    this.url = source ? source.url : String(input);
    this.method = (init.method ?? source?.method ?? 'GET').toUpperCase();
    this.headers = new Headers(init.headers ?? source?.headers);
    this.signal = init.signal ?? source?.signal ?? null;
    const body = init.body ?? source?.body ?? null;
    if (body !== null && typeof body !== 'string') {
      throw new TypeError(
        'unet-chat-redux/testing: the stand-in Request carries string bodies only',
      );
    }
    this.body = body;
  }

  clone(): MinimalRequest {
    return new MinimalRequest(this);
  }

  async text(): Promise<string> {
    return this.body ?? '';
  }
}

class MinimalResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: Headers;
  private readonly body: string | null;

  constructor(body: string | null = null, init: ResponseInit = {}) {
    this.status = init.status ?? 200;
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new Headers(init.headers);
    this.body = body;
  }

  clone(): MinimalResponse {
    return new MinimalResponse(this.body, { status: this.status, headers: this.headers });
  }

  async text(): Promise<string> {
    return this.body ?? '';
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}

/**
 * Gives a test environment without `Request`/`Response` (jsdom) small
 * stand-ins, so RTK Query and {@link createFakeFetch} work there. Leaves
 * existing globals alone; returns the names it installed.
 *
 * @example
 * ```ts
 * // jest.setup.ts of a host app whose tests run in jsdom
 * import { installFetchGlobals } from 'unet-chat-redux/testing';
 * installFetchGlobals();
 * ```
 */
export function installFetchGlobals(): string[] {
  const installed: string[] = [];
  if (typeof globalThis.Request === 'undefined') {
    Object.assign(globalThis, { Request: MinimalRequest });
    installed.push('Request');
  }
  if (typeof globalThis.Response === 'undefined') {
    Object.assign(globalThis, { Response: MinimalResponse });
    installed.push('Response');
  }
  return installed;
}
