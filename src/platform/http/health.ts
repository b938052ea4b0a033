// /healthz says the process is up; /readyz says it can serve: the database answers and its
// migrations are current. Load balancers send traffic only to ready nodes.
import type { FastifyInstance } from 'fastify';

export interface HealthChecks {
  ready(): Promise<{ database: boolean; migrations: boolean }>;
}

export function setUpHealthChecks(app: FastifyInstance, health: HealthChecks): void {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const checks = await health.ready();
    const ready = checks.database && checks.migrations;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}
