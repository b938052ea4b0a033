// Fastify's logger (pino), with every secret a request can carry taken out.
import type { LogLevel } from '../../config.ts';

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
      censor: '[redacted]',
    },
  };
}
