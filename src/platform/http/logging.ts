// Fastify's logger (pino), with every secret a request can carry taken out: headers and form
// fields by path, and the secrets that ride in addresses (a resident's tracking link, an
// account's confirmation and reset links, an appointment's private link, One Login's code and
// state, an Open311 client's api_key) by rewriting the URL.
import type { FastifyRequest } from 'fastify';
import type { LogLevel } from '../../config.ts';

const CENSOR = '[redacted]';
/** Path segments that are keys in themselves: whoever reads them can use them. */
const SECRET_PATHS = /^(\/track|\/account\/confirm|\/account\/reset|\/appointments\/manage)\/[^/?#]+/;
/** Query parameters that are secrets (an OIDC callback's; Open311's API key). */
const SECRET_PARAMETERS = new Set(['code', 'state', 'token', 'id_token', 'access_token', 'api_key']);

/** The request's address as logs may keep it. */
export function redactUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const safePath = path.replace(SECRET_PATHS, `$1/${CENSOR}`);
  if (query === undefined) return safePath;
  const parameters = new URLSearchParams(query);
  for (const name of [...parameters.keys()]) if (SECRET_PARAMETERS.has(name)) parameters.set(name, CENSOR);
  return `${safePath}?${parameters.toString()}`;
}

export function loggerOptions(level: LogLevel) {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'req.body.password',
        'req.body.currentPassword',
        'req.body.newPassword',
        'req.body.confirmPassword',
        'req.body._csrf',
      ],
      censor: CENSOR,
    },
    serializers: {
      // Fastify's own request summary, with the address made safe to keep.
      req(request: FastifyRequest) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          hostname: request.hostname,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        };
      },
    },
  };
}
