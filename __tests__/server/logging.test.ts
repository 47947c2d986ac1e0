import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { redactUrl } from '../../server/log';
import { rawRequest, startTestServer } from '../support/server';
import { API, closeAll, createGroup, postMessage } from './fixtures';

describe('log redaction', () => {
  it('never writes access or refresh tokens to the log, whether in headers, query strings or socket URLs', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const server = await startTestServer({ logger: { stream } });
    const aibek = await server.login('aibek');
    const room = await createGroup(aibek, []);
    await postMessage(aibek, room.id, 'logged?');
    const query = `?WWW-Authenticate=Bearer%20${aibek.access}&token=${aibek.access}&access=${aibek.refresh}`;
    await rawRequest(server.url, 'GET', `${API}/conversations/${query}`, { token: aibek.access });
    await rawRequest(server.url, 'GET', `${API}/no-such-route/${query}`, { token: aibek.access });
    await rawRequest(server.url, 'GET', `${API}/users/?refresh=${aibek.refresh}`, { token: 'bad' });
    const socket = await server.openSocket(room.id, aibek.access);
    socket.send({ type: 'ping' });
    await socket.nextFrame();
    await closeAll(socket);
    const refused = await server.openSocket('00000000-0000-7000-8000-000000000000', aibek.access);
    await refused.closed;
    const stray = new WebSocket(server.socketUrl(room.id, aibek.refresh));
    await new Promise((resolve) => stray.once('close', resolve));
    await server.close();

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(log).toContain('[REDACTED]');
    expect(log).toContain('socket opened');
    for (const secret of [aibek.access, aibek.refresh]) {
      expect(log).not.toContain(secret);
      expect(log).not.toContain(secret.split('.')[2]);
    }
  });

  it.each([
    ['/a?WWW-Authenticate=Bearer%20abc', '/a?WWW-Authenticate=[REDACTED]'],
    ['/a?www-authenticate=Bearer+abc&x=1', '/a?www-authenticate=[REDACTED]&x=1'],
    ['/a?token=abc&access=def', '/a?token=[REDACTED]&access=[REDACTED]'],
    ['/a?%77ww-authenticate=abc', '/a?%77ww-authenticate=[REDACTED]'],
    ['/a?%E0%A4%A=abc', '/a?%E0%A4%A=[REDACTED]'],
    ['/a/eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2ln', '/a/[REDACTED]'],
    ['/a?page=2', '/a?page=2'],
  ])('redacts %s as %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
