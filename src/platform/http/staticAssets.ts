// The built stylesheet and script (fingerprinted: cached for a year) and GOV.UK and MOJ
// Frontend's images (cached for a day).
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import path from 'node:path';

export async function setUpStaticAssets(
  app: FastifyInstance,
  directories: { built: string; projectRoot: string },
): Promise<void> {
  await app.register(fastifyStatic, {
    root: directories.built,
    prefix: '/assets/',
    wildcard: true,
    index: false,
    cacheControl: false,
    setHeaders(response, file) {
      const fingerprinted = /-[0-9a-f]{12}\.[a-z]+$/.test(file);
      response.setHeader('Cache-Control', fingerprinted ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  await app.register(fastifyStatic, {
    root: [
      path.join(directories.projectRoot, 'node_modules/govuk-frontend/dist/govuk/assets'),
      path.join(directories.projectRoot, 'node_modules/@ministryofjustice/frontend/moj/assets'),
    ],
    prefix: '/assets/frontend/',
    decorateReply: false,
    index: false,
    maxAge: '1d',
  });
}
