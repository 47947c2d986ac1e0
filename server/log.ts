import type { FastifyRequest, FastifyServerOptions } from 'fastify';

// Query parameters that may carry a credential; the socket URL's token is `WWW-Authenticate`.
const SECRET_PARAM = /^(www-authenticate|authorization|token|access|access_token|refresh|jwt)$/i;
// Anything shaped like a JWT, wherever it appears.
const JWT_LIKE = /eyJ[\w-]*\.[\w-]*\.[\w-]*/g;
const REDACTED = '[REDACTED]';

function decodedName(name: string): string | null {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * A URL safe to log: values of credential-bearing query parameters and any
 * JWT-shaped text are replaced by `[REDACTED]`.
 *
 * @example
 * redactUrl('/ws/conversations/1/?WWW-Authenticate=Bearer%20eyJ...') // '/ws/conversations/1/?WWW-Authenticate=[REDACTED]'
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query =
    queryStart === -1
      ? ''
      : '?' +
        url
          .slice(queryStart + 1)
          .split('&')
          .map((pair) => {
            const equals = pair.indexOf('=');
            if (equals === -1) return pair;
            const name = decodedName(pair.slice(0, equals));
            // A name we cannot decode might be an obfuscated secret name: redact its value too.
            return name === null || SECRET_PARAM.test(name)
              ? `${pair.slice(0, equals)}=${REDACTED}`
              : pair;
          })
          .join('&');
  return (path + query).replace(JWT_LIKE, REDACTED);
}

/** How a request appears in log lines: no headers, and a redacted URL. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    remoteAddress: request.ip,
  };
}

/** The `logger` option of `startServer`. */
export type LoggerOption = boolean | { stream: NodeJS.WritableStream };

/** Fastify logger settings for the `logger` option, with token redaction built in. */
export function loggerSettings(option: LoggerOption): FastifyServerOptions['logger'] {
  if (option === false) return false;
  return {
    level: 'info',
    serializers: { req: serializeRequest },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization'],
      censor: REDACTED,
    },
    ...(option === true ? {} : { stream: option.stream }),
  };
}
