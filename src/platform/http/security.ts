// Security headers for every response, with a fresh CSP nonce per request for the one inline
// script GOV.UK Frontend's template needs.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** `imageSources`: where else images may come from (the map's tiles, when there is a map). */
export async function setUpWebSecurity(
  app: FastifyInstance,
  options: { https: boolean; imageSources?: string[] },
): Promise<void> {
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', ...(options.imageSources ?? [])],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        ...(options.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
}
