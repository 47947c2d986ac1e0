import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors';

/**
 * The Content-Security-Policy of every answer. No inline script anywhere; inline
 * *styles* are allowed because the demo's toast library (sonner) injects its
 * stylesheet as a `<style>` element. `'self'` covers the same-origin `ws:` socket.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers sent with every HTTP answer (the demo's pages and the API alike). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** `Host`/`Origin` host name, lower case, without brackets or a trailing dot. */
function normalizeHostname(name: string): string {
  let host = name.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

/** The host name of a `Host` header value (`name`, `name:port`, `[v6]:port`), or null if malformed. */
export function hostnameOf(header: string): string | null {
  const value = header.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return normalizeHostname(bracketed[1] ?? '');
  const plain = /^([^:[\]\s/@]+)(?::\d{1,5})?$/.exec(value);
  return plain ? normalizeHostname(plain[1] ?? '') : null;
}

/**
 * Which `Host` headers and `Origin`s the server answers. The host check is
 * what defeats DNS rebinding: a page of `http://evil.example:8787` whose name
 * was re-pointed at 127.0.0.1 still sends `Host: evil.example:8787`.
 */
export class RequestGuard {
  private readonly hosts: readonly string[] | null;
  /** Loopback names and the listening host: the server's own origins on its port. */
  private readonly ownNames: readonly string[];
  private readonly origins: ReadonlySet<string> | null;

  constructor(options: {
    /** The interface the server listens on. */
    listenHost: string;
    /** Extra host names; null accepts any host. */
    allowedHosts: readonly string[] | null;
    /** Extra origins; null accepts any origin. */
    allowedOrigins: readonly string[] | null;
  }) {
    const own = WILDCARD_HOSTS.has(options.listenHost)
      ? []
      : [normalizeHostname(options.listenHost)];
    this.ownNames = [...LOOPBACK_NAMES, ...own];
    this.hosts =
      options.allowedHosts === null
        ? null
        : [...LOOPBACK_NAMES, '.localhost', ...own, ...options.allowedHosts.map(normalizeHostname)];
    this.origins =
      options.allowedOrigins === null
        ? null
        : new Set(options.allowedOrigins.map((origin) => origin.trim().toLowerCase()));
  }

  /** Whether a request with this `Host` header is for us. A missing header (HTTP/1.0) is allowed. */
  hostAllowed(header: string | undefined): boolean {
    if (this.hosts === null || header === undefined) return true;
    const name = hostnameOf(header);
    if (name === null) return false;
    return this.hosts.some((allowed) =>
      allowed.startsWith('.')
        ? name.endsWith(allowed) || name === allowed.slice(1)
        : name === allowed,
    );
  }

  /**
   * Whether a page of `origin` may open a socket on a server reached as `host`
   * on `port`. No Origin (a non-browser client) is allowed; `null` and foreign
   * origins are not. Allowed: the configured origins, the page's own origin
   * (Origin names the same host and port as an allowed `Host`), and the
   * localhost origins of the server's port.
   */
  originAllowed(origin: string | undefined, host: string | undefined, port: number): boolean {
    if (this.origins === null || origin === undefined) return true;
    const normalized = origin.trim().toLowerCase();
    if (this.origins.has(normalized)) return true;
    let url: URL;
    try {
      url = new URL(normalized);
    } catch {
      return false;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== normalized) {
      return false;
    }
    if (host !== undefined && this.hostAllowed(host) && url.host === host.trim().toLowerCase()) {
      return true;
    }
    const originPort = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    const name = normalizeHostname(url.hostname);
    return originPort === port && (this.ownNames.includes(name) || name.endsWith('.localhost'));
  }
}

/**
 * Refuses requests whose `Host` is not allowed (403 `host_not_allowed`, before
 * anything else runs) and adds the security headers to every answer.
 */
export function installRequestGuard(app: FastifyInstance, guard: RequestGuard): void {
  app.addHook('onRequest', async (request) => {
    if (!guard.hostAllowed(request.headers.host)) {
      throw new HttpError(
        403,
        'This host name is not allowed; add it to ALLOWED_HOSTS (allowedHosts).',
        'host_not_allowed',
      );
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
}
