// The layering in ARCHITECTURE.md, checked over src/ with the rules in .dependency-cruiser.cjs
// (the same rules `npm run lint` applies), and proof that those rules do catch a breach.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = path.join(PROJECT_ROOT, '.dependency-cruiser.cjs');

/** Cruises `src` under baseDir with the project's rules. */
async function cruiseSource(baseDir: string): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(CONFIG);
  const result = await cruise(
    ['src'],
    { ...options, baseDir },
    {},
    { tsConfig: extractTSConfig(path.join(PROJECT_ROOT, 'tsconfig.json')) },
  );
  return result.output as ICruiseResult;
}

async function violationsIn(baseDir: string): Promise<IViolation[]> {
  return (await cruiseSource(baseDir)).summary.violations;
}

// The fixture's node_modules is a link to the project's, which resolves to a path outside it.
const describeViolation = (violation: IViolation): string =>
  `${violation.rule.name}: ${violation.from} → ${violation.to.replace(/^.*?(?=node_modules\/)/, '')}` +
  (violation.cycle ? ` (cycle: ${violation.cycle.map((step) => step.name).join(' → ')})` : '');

describe('the layering of src/', () => {
  it('keeps every rule in .dependency-cruiser.cjs', async () => {
    const result = await cruiseSource(PROJECT_ROOT);
    const cruised = result.modules.map((module) => module.source);
    for (const file of ['src/server.ts', 'src/services.ts', 'src/organisations/repo.ts', 'src/platform/http/errors.ts']) {
      assert.ok(cruised.includes(file), `${file} was cruised`);
    }
    const violations = result.summary.violations;
    for (const violation of violations) console.log(`# ${describeViolation(violation)}`);
    assert.deepEqual(violations.map(describeViolation), []);
  });
});

describe('the layering rules', () => {
  // A small code base written to break each rule once, beside the imports the rules allow.
  const FIXTURE: Record<string, string> = {
    'src/server.ts': `import Fastify from 'fastify';\nimport { createServices } from './services.ts';\nexport const app = Fastify(createServices);\n`,
    'src/services.ts': `import { findCouncil } from './organisations/repo.ts';\nexport const createServices = { findCouncil };\n`,
    'src/reports.ts': `import { findCouncil } from './organisations/repo.ts';\nexport const report = findCouncil;\n`,
    'src/db/database.ts': `import type { Kysely } from 'kysely';\nexport type Db = Kysely<object>;\n`,
    'src/demo/seedDemo.ts': `import { findCouncil } from '../organisations/repo.ts';\nexport const seed = findCouncil;\n`,
    'src/organisations/repo.ts': `import type { Db } from '../db/database.ts';\nexport const findCouncil = (db: Db) => db;\n`,
    'src/organisations/service.ts': `import { findCouncil } from './repo.ts';\nexport const service = { findCouncil };\n`,
    'src/organisations/schemas.ts': `import type { FastifySchema } from 'fastify';\nexport const schema: FastifySchema = {};\n`,
    'src/organisations/staff.routes.ts':
      `import type { FastifyPluginAsync } from 'fastify';\nimport type { service } from './service.ts';\n` +
      `import type { Db } from '../db/database.ts';\nimport { sql } from 'kysely';\n` +
      `export const routes: FastifyPluginAsync<{ service: typeof service; db: Db }> = async () => void sql;\n`,
    'src/cases/service.ts': `import { findCouncil } from '../organisations/repo.ts';\nexport const raiseCase = findCouncil;\n`,
    'src/cases/queue.ts': `import { escalate } from './escalation.ts';\nexport const queue = () => escalate;\n`,
    'src/cases/escalation.ts': `import { queue } from './queue.ts';\nexport const escalate = () => queue;\n`,
    'src/platform/session.ts': `import rateLimit from '@fastify/rate-limit';\nexport const limit = rateLimit;\n`,
    'src/platform/http/sessions.ts': `import type { Db } from '../../db/database.ts';\nexport type SessionDb = Db;\n`,
    'src/portal/portal.routes.ts': `import { staffNavigation } from '../staff/navigation.ts';\nexport const nav = staffNavigation;\n`,
    'src/staff/navigation.ts': `export const staffNavigation = [];\n`,
    'src/staff/home.ts': `import { nav } from '../portal/portal.routes.ts';\nexport const home = nav;\n`,
  };

  let fixture: string;
  let violations: string[];
  before(async () => {
    fixture = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-architecture-'));
    for (const [file, source] of Object.entries(FIXTURE)) {
      fs.mkdirSync(path.join(fixture, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(fixture, file), source);
    }
    fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(fixture, 'node_modules'), 'dir');
    violations = (await violationsIn(fixture)).map(describeViolation).sort();
  });
  after(() => fs.rmSync(fixture, { recursive: true, force: true }));

  it('refuse Fastify, even its types, outside the HTTP surfaces', () => {
    assert.ok(
      violations.includes('fastify-only-in-http-surfaces: src/organisations/schemas.ts → node_modules/fastify/fastify.js'),
      violations.join('\n'),
    );
    assert.ok(
      violations.some((v) =>
        /^fastify-only-in-http-surfaces: src\/platform\/session\.ts → node_modules\/@fastify\/rate-limit\//.test(v),
      ),
      violations.join('\n'),
    );
  });

  it('refuse the database layer, even its types, in routes and the HTTP plumbing', () => {
    assert.ok(
      violations.includes('http-never-touches-the-database: src/organisations/staff.routes.ts → src/db/database.ts'),
      violations.join('\n'),
    );
    assert.ok(
      violations.some((v) =>
        /^http-never-touches-the-database: src\/organisations\/staff\.routes\.ts → node_modules\/kysely\//.test(v),
      ),
      violations.join('\n'),
    );
    assert.ok(
      violations.includes('http-never-touches-the-database: src/platform/http/sessions.ts → src/db/database.ts'),
      violations.join('\n'),
    );
  });

  it('keep the portal and the staff desktop apart, both ways', () => {
    assert.ok(
      violations.includes('portal-and-staff-stay-apart: src/portal/portal.routes.ts → src/staff/navigation.ts'),
      violations.join('\n'),
    );
    assert.ok(
      violations.includes('staff-and-portal-stay-apart: src/staff/home.ts → src/portal/portal.routes.ts'),
      violations.join('\n'),
    );
  });

  it('refuse circular imports', () => {
    const cycle = /^no-circular: src\/cases\/(queue|escalation)\.ts → src\/cases\/(escalation|queue)\.ts/;
    assert.ok(
      violations.some((v) => cycle.test(v)),
      violations.join('\n'),
    );
  });

  it("refuse another capability's repo, except from the composition roots and the demo council", () => {
    assert.ok(
      violations.includes('repo-only-from-its-own-capability: src/cases/service.ts → src/organisations/repo.ts'),
      violations.join('\n'),
    );
    assert.ok(
      violations.includes('repo-only-from-its-own-capability-or-the-roots: src/reports.ts → src/organisations/repo.ts'),
      violations.join('\n'),
    );
  });

  it('allow what the architecture allows: nothing else is reported', () => {
    const expected = [
      /^fastify-only-in-http-surfaces: src\/organisations\/schemas\.ts → /,
      /^fastify-only-in-http-surfaces: src\/platform\/session\.ts → /,
      /^http-never-touches-the-database: src\/organisations\/staff\.routes\.ts → src\/db\/database\.ts$/,
      /^http-never-touches-the-database: src\/organisations\/staff\.routes\.ts → node_modules\/kysely\//,
      /^http-never-touches-the-database: src\/platform\/http\/sessions\.ts → /,
      /^portal-and-staff-stay-apart: /,
      /^staff-and-portal-stay-apart: /,
      /^no-circular: src\/cases\/(queue|escalation)\.ts → /,
      /^repo-only-from-its-own-capability: src\/cases\/service\.ts → /,
      /^repo-only-from-its-own-capability-or-the-roots: src\/reports\.ts → /,
    ];
    const unexpected = violations.filter((violation) => !expected.some((pattern) => pattern.test(violation)));
    assert.deepEqual(
      unexpected,
      [],
      'src/server.ts may import Fastify, a route a service’s types, src/services.ts and src/demo a repo',
    );
  });
});
