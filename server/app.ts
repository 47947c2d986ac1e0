import type { Duplex } from 'node:stream';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from './config';
import { badRequest, installErrorHandler, notFound, replyWithError } from './errors';
import { loggerSettings } from './log';
import { registerRoutes } from './routes';
import type { RouteContext } from './routes';
import { installRequestGuard } from './security';
import type { RequestGuard } from './security';
import { registerStatic, wantsAppShell } from './static';

/** Set once `close()` has been called. */
export interface ShutdownState {
  requested: boolean;
}

// Fatal: bytes that are not UTF-8 are refused rather than silently turned into U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies only; an empty body reads as "no body" so bodiless DELETEs with a
 * JSON header pass; a body that is not valid UTF-8 is 400 `invalid_encoding`.
 */
function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    let text: string;
    try {
      text = typeof body === 'string' ? body : utf8.decode(body);
    } catch {
      done(badRequest('The body is not valid UTF-8.', 'invalid_encoding'), undefined);
      return;
    }
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(badRequest('Malformed JSON body.', 'invalid_json'), undefined);
    }
  });
}

/**
 * What the HTTP parser refuses before Fastify sees a request (a malformed
 * request line or header, bytes after a body) is answered in our error format
 * too, instead of Fastify's own.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text, detail, code] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          'Request headers are too large.',
          'headers_too_large',
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request took too long to arrive.', 'request_timeout']
        : [400, 'Bad Request', 'Malformed HTTP request.', 'bad_request'];
  const body = JSON.stringify({ detail, code });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The Fastify app with every REST route, JSON-only error answers, the Host
 * check and security headers and, when configured, the static demo. It does
 * not listen; `startServer` does.
 */
export async function buildApp(
  config: ServerConfig,
  context: RouteContext,
  shutdown: ShutdownState,
  guard: RequestGuard,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerSettings(config.logger),
    bodyLimit: config.maxBodyBytes,
    routerOptions: { ignoreTrailingSlash: true },
    // Errors raised before routing (malformed URL, overlong parameter) get the same JSON answers.
    frameworkErrors: (error, request, reply) => replyWithError(error, request, reply),
    // Requests that arrive on a kept-alive connection while closing are still served
    // (with `Connection: close`), rather than answered 503 in Fastify's own format.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
  });
  app.addHook('onSend', async (_request, reply) => {
    // Without this a kept-alive client would hold shutdown until its idle timeout.
    if (shutdown.requested) reply.header('connection', 'close');
  });
  // First of all hooks: a request for another host name is refused before anything runs.
  installRequestGuard(app, guard);
  installJsonParser(app);
  installErrorHandler(app);
  await registerRoutes(app, context);
  if (config.staticDir !== null) await registerStatic(app, config.staticDir);
  const serveAppShell = config.staticDir !== null;
  app.setNotFoundHandler((request, reply) => {
    if (serveAppShell && wantsAppShell(request)) return reply.sendFile('index.html');
    throw notFound();
  });
  return app;
}
