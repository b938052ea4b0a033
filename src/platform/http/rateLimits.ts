// Request limits per client address, counted in PostgreSQL so that every node shares them.
// Routes opt in with `config: { rateLimit: { max, timeWindow } }` (sign-in, public forms).
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Hit } from '../rateLimits.ts';

export type CountHit = (key: string, windowMs: number) => Promise<Hit>;

export async function setUpRateLimits(app: FastifyInstance, countHit: CountHit): Promise<void> {
  class PostgresStore {
    constructor(private readonly prefix = 'global') {}
    incr(key: string, callback: (error: Error | null, hit?: Hit) => void, timeWindow: number) {
      countHit(`${this.prefix}:${key}`, timeWindow).then(
        (hit) => callback(null, hit),
        (error: Error) => callback(error),
      );
    }
    child(routeOptions: { routeInfo?: { method?: string; url?: string } }) {
      return new PostgresStore(`${routeOptions.routeInfo?.method ?? ''} ${routeOptions.routeInfo?.url ?? ''}`);
    }
  }
  await app.register(rateLimit, {
    global: false,
    store: PostgresStore as never,
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      error: 'Too Many Requests',
      message: `Too many requests: try again in ${Math.ceil(context.ttl / 1000)} seconds`,
      retryAfterSeconds: Math.ceil(context.ttl / 1000),
    }),
  });
}
