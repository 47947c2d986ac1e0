/** The path of the REST API on the server, as the contract fixes it. */
const DEFAULT_API_PREFIX = '/api/unet-chat';

const socketProtocols: Readonly<Record<string, string>> = {
  'http:': 'ws:',
  'https:': 'wss:',
  'ws:': 'ws:',
  'wss:': 'wss:',
};

function pageLocation(): string | null {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  return typeof href === 'string' && href ? href : null;
}

/** `baseUrl` as an absolute URL: as given, or against the page when it is relative or empty. */
function resolveBase(baseUrl: string): URL {
  try {
    return new URL(baseUrl);
  } catch {
    // Not absolute: only a page can say which origin it is relative to.
  }
  const page = pageLocation();
  if (!page) {
    throw new Error(
      `unet-chat-redux: cannot build a WebSocket URL from the relative base URL "${baseUrl}" ` +
        "outside a browser page; pass an absolute baseUrl such as 'https://chat.example.com'.",
    );
  }
  return new URL(baseUrl || '/', page);
}

/**
 * The seed's WebSocket URL of a conversation:
 * `{ws|wss}://{host}{base path}/api/unet-chat/ws/conversations/{id}/?WWW-Authenticate=Bearer%20{token}`.
 *
 * The scheme follows the API's (`http` → `ws`, `https` → `wss`). An empty or
 * relative `baseUrl` means the page's own origin, which needs
 * `globalThis.location`; without one (Node, SSR) it throws. The id and the
 * token are percent-encoded, the space of `Bearer {token}` as `%20` (never
 * `+`), exactly as the server expects. Without a token (null or empty) the query is left
 * out, so the server closes with 4401 and the client refreshes.
 *
 * @example
 * ```ts
 * conversationSocketUrl('https://uadmin.kstu.kg', 'c0ffee', 'abc.def.ghi');
 * // 'wss://uadmin.kstu.kg/api/unet-chat/ws/conversations/c0ffee/?WWW-Authenticate=Bearer%20abc.def.ghi'
 * conversationSocketUrl('', 'c0ffee', null); // in a page at http://localhost:5173: 'ws://localhost:5173/api/unet-chat/ws/conversations/c0ffee/'
 * ```
 */
export function conversationSocketUrl(
  baseUrl: string,
  conversationId: string,
  token: string | null,
  apiPrefix: string = DEFAULT_API_PREFIX,
): string {
  return socketUrl(
    baseUrl,
    `/ws/conversations/${encodeURIComponent(conversationId)}/`,
    token,
    apiPrefix,
  );
}

/**
 * [ext] The URL of the user's stream (every event of every conversation of
 * the user, read, typing and presence): `…/api/unet-chat/ws/?WWW-Authenticate=…`,
 * built like {@link conversationSocketUrl}.
 *
 * @example
 * ```ts
 * userStreamUrl('https://chat.example', 'abc.def.ghi');
 * // 'wss://chat.example/api/unet-chat/ws/?WWW-Authenticate=Bearer%20abc.def.ghi'
 * ```
 */
export function userStreamUrl(
  baseUrl: string,
  token: string | null,
  apiPrefix: string = DEFAULT_API_PREFIX,
): string {
  return socketUrl(baseUrl, '/ws/', token, apiPrefix);
}

function socketUrl(baseUrl: string, socketPath: string, token: string | null, apiPrefix: string) {
  const base = resolveBase(baseUrl.trim());
  const protocol = socketProtocols[base.protocol];
  if (!protocol) {
    throw new Error(
      `unet-chat-redux: cannot derive a WebSocket URL from "${base.protocol}" (expected http, https, ws or wss).`,
    );
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const prefix = apiPrefix ? `/${apiPrefix.replace(/^\/+|\/+$/g, '')}` : '';
  // The seed spells the space %20; URLSearchParams would write '+', which not every server decodes.
  const query = !token ? '' : `?WWW-Authenticate=${encodeURIComponent(`Bearer ${token}`)}`;
  return `${protocol}//${base.host}${basePath}${prefix}${socketPath}${query}`;
}
