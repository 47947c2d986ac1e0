import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CONTENT_SECURITY_POLICY } from '../../server/security';
import { startTestServer } from '../support/server';
import type { ServerOptions, TestServer } from '../support/server';
import { API, createGroup } from './fixtures';

/** A GET with a `Host` header of our choosing (fetch does not let one set it). */
function getWithHost(
  server: TestServer,
  path: string,
  host: string,
  token?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        headers: { host, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

type Upgrade =
  { opened: true; protocol: string; close: number } | { opened: false; status: number };

/** Tries a socket upgrade with the given headers: opened (then its close code), or the HTTP status. */
function tryUpgrade(
  server: TestServer,
  conversationId: string,
  token: string,
  options: { origin?: string; host?: string; protocols?: string[] } = {},
): Promise<Upgrade> {
  return new Promise((resolve) => {
    const socket = new WebSocket(server.socketUrl(conversationId, token), options.protocols ?? [], {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      ...(options.host === undefined ? {} : { headers: { host: options.host } }),
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve({ opened: false, status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('open', () => {
      const protocol = socket.protocol;
      socket.once('close', (code) => resolve({ opened: true, protocol, close: code }));
      // A ping proves the socket was admitted, then we hang up ourselves.
      socket.send(JSON.stringify({ type: 'ping' }));
      socket.once('message', () => socket.close(1000));
    });
    socket.on('error', () => undefined);
  });
}

let server: TestServer;
let room: string;
let token: string;

async function serve(options: ServerOptions = {}) {
  const started = await startTestServer(options);
  const aibek = await started.login('aibek');
  return { started, room: (await createGroup(aibek, [])).id, token: aibek.access };
}

beforeAll(async () => {
  ({ started: server, room, token } = await serve());
});

afterAll(() => server.close());

describe('Host allow-list', () => {
  it.each(['localhost', '127.0.0.1', '[::1]', 'LOCALHOST', 'localhost.', 'app.localhost'])(
    'answers Host %s (with the port)',
    async (name) => {
      const answer = await getWithHost(server, `${API}/users/`, `${name}:${server.port}`, token);
      expect(answer.status).toBe(200);
    },
  );

  it.each([
    'evil.example',
    'evil.example:8787',
    '127.0.0.1.nip.io',
    'localhost.evil.example',
    'bad host',
    '[::1',
  ])('refuses Host %s with 403 host_not_allowed before authentication', async (host) => {
    // No token: the host is checked first, so an attacker's page learns nothing else.
    const answer = await getWithHost(server, `${API}/users/`, host);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({
      detail: expect.stringContaining('ALLOWED_HOSTS'),
      code: 'host_not_allowed',
    });
  });

  it('refuses a socket upgrade for a foreign Host with a plain 403, before looking at the token', async () => {
    expect(await tryUpgrade(server, room, 'not-a-token', { host: 'evil.example' })).toEqual({
      opened: false,
      status: 403,
    });
  });

  it('accepts configured hosts, and subdomains of a ".name" entry', async () => {
    const configured = await serve({ allowedHosts: ['chat.example.com', '.corp.example'] });
    try {
      for (const host of ['chat.example.com', 'x.corp.example', 'corp.example', 'localhost']) {
        const answer = await getWithHost(
          configured.started,
          `${API}/users/`,
          host,
          configured.token,
        );
        expect(answer.status).toBe(200);
      }
      for (const host of ['other.example.com', 'corp.example.evil']) {
        expect((await getWithHost(configured.started, `${API}/users/`, host)).status).toBe(403);
      }
    } finally {
      await configured.started.close();
    }
  });

  it('accepts any host with allowedHosts: "*"', async () => {
    const open = await serve({ allowedHosts: '*' });
    try {
      const answer = await getWithHost(open.started, `${API}/users/`, 'evil.example', open.token);
      expect(answer.status).toBe(200);
    } finally {
      await open.started.close();
    }
  });
});

describe('Origin allow-list for socket upgrades', () => {
  it('admits a client that sends no Origin (not a browser)', async () => {
    expect(await tryUpgrade(server, room, token)).toMatchObject({ opened: true, close: 1000 });
  });

  it.each(['http://127.0.0.1', 'http://localhost', 'http://[::1]'])(
    'admits the page of %s on the server’s port',
    async (base) => {
      const origin = `${base}:${server.port}`;
      expect(await tryUpgrade(server, room, token, { origin })).toMatchObject({ opened: true });
    },
  );

  it.each([
    ['a foreign site', 'http://evil.example'],
    ['a sandboxed or file page', 'null'],
    ['localhost on another port', 'http://localhost:1'],
    ['a look-alike', 'http://127.0.0.1.evil.example'],
    ['garbage', 'not an origin'],
  ])('refuses %s with a plain 403, before looking at the token', async (_name, origin) => {
    expect(await tryUpgrade(server, room, 'not-a-token', { origin })).toEqual({
      opened: false,
      status: 403,
    });
  });

  it('admits configured origins, and the page’s own origin behind an allowed host', async () => {
    const configured = await serve({
      allowedOrigins: ['https://app.example.com'],
      allowedHosts: ['chat.example.com'],
    });
    try {
      const { started } = configured;
      expect(
        await tryUpgrade(started, configured.room, configured.token, {
          origin: 'https://app.example.com',
        }),
      ).toMatchObject({ opened: true });
      expect(
        await tryUpgrade(started, configured.room, configured.token, {
          origin: 'http://chat.example.com',
          host: 'chat.example.com',
        }),
      ).toMatchObject({ opened: true });
      expect(
        await tryUpgrade(started, configured.room, configured.token, {
          origin: 'https://other.example.com',
        }),
      ).toEqual({ opened: false, status: 403 });
    } finally {
      await configured.started.close();
    }
  });

  it('admits any origin with allowedOrigins: "*"', async () => {
    const open = await serve({ allowedOrigins: '*' });
    try {
      expect(
        await tryUpgrade(open.started, open.room, open.token, { origin: 'http://evil.example' }),
      ).toMatchObject({ opened: true });
    } finally {
      await open.started.close();
    }
  });
});

describe('security headers', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unet-chat-headers-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log("demo")');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends a CSP without inline script, nosniff, frame-ancestors none and a referrer policy on every answer', async () => {
    const withDemo = await startTestServer({ staticDir: dir });
    try {
      for (const path of ['/', '/app.js', '/chat/deep/link', '/missing.png', `${API}/users/`]) {
        const response = await fetch(withDemo.url + path);
        expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(response.headers.get('x-frame-options')).toBe('DENY');
      }
    } finally {
      await withDemo.close();
    }
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((directive) => {
        const [name, ...values] = directive.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
  });
});
