// The layering of OneDoor (ARCHITECTURE.md), checked by a tool rather than by hope.
// Run by `npm run lint` (depcruise src) and by test/architecture.test.ts (through the API).
//
// Words used below:
// - an HTTP surface is a file named *.routes.ts, src/server.ts, src/main.ts or anything under
//   src/platform/http/: the only places that know Fastify exists;
// - the database layer is src/db/**, kysely, pg, pg-boss and every repo.ts;
// - a capability is a folder under src/ (src/organisations/) or under src/platform/
//   (src/platform/auth/); its repo.ts is its SQL.
//
// Type-only imports (`import type`) count: they are dependencies of the source, even if not of
// the running program. Unit tests (*.test.ts) sit beside the code but are not part of the
// layering: they may set up records through another capability's repo. They still may not make
// cycles, and the portal's tests may not reach into the staff desktop.

/** Where an npm package lives once resolved, for the types (@types/x) or the code. */
const npmPackage = (names) => `(^|/)node_modules/(@types/)?(${names})/`;

const HTTP_SURFACES = ['[.]routes[.]ts$', '^src/server[.]ts$', '^src/main[.]ts$', '^src/platform/http/'];
const TESTS = '[.]test[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'fastify-only-in-http-surfaces',
      comment:
        'Rules, services, repos, policies, schemas and the database layer never import Fastify or an @fastify/* ' +
        'package, not even its types: only *.routes.ts, src/server.ts, src/main.ts and src/platform/http/** may. ' +
        '(src/platform/http/types.ts, which augments Fastify’s request and session types, is an HTTP surface.)',
      severity: 'error',
      from: { path: '^src/', pathNot: [...HTTP_SURFACES, TESTS] },
      to: { path: [npmPackage('fastify|@fastify/[^/]+'), '^(fastify|@fastify/[^/]+)$'] },
    },
    {
      name: 'http-never-touches-the-database',
      comment:
        'Routes and the HTTP plumbing (src/platform/http/**) call services; they never import the database layer: ' +
        'src/db/**, kysely, pg, pg-boss or any repo.ts. Type-only imports of src/db are forbidden too: a route that ' +
        'needs a database type is a route that is about to write SQL. A service’s own types are fine.',
      severity: 'error',
      from: { path: ['[.]routes[.]ts$', '^src/platform/http/'], pathNot: TESTS },
      to: {
        path: ['^src/db/', '(^|/)repo[.]ts$', npmPackage('kysely|pg|pg-boss'), '^(kysely|pg|pg-boss)$'],
      },
    },
    {
      name: 'portal-and-staff-stay-apart',
      comment: 'The resident portal’s shell (src/portal/**) never imports the staff desktop’s (src/staff/**).',
      severity: 'error',
      from: { path: '^src/portal/' },
      to: { path: '^src/staff/' },
    },
    {
      name: 'staff-and-portal-stay-apart',
      comment: 'The staff desktop’s shell (src/staff/**) never imports the resident portal’s (src/portal/**).',
      severity: 'error',
      from: { path: '^src/staff/' },
      to: { path: '^src/portal/' },
    },
    {
      name: 'no-circular',
      comment:
        'No module depends on itself through others, counting type-only imports: a cycle means two modules are ' +
        'really one, or one of them is in the wrong place.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'repo-only-from-its-own-capability',
      comment:
        'A capability’s repo.ts is its private SQL. Other capabilities call its service instead. Only the ' +
        'capability itself, the composition root (src/services.ts), src/cli.ts, src/main.ts and the demo council ' +
        '(src/demo/**) may import a repo.',
      severity: 'error',
      // $1 is the importing file's capability: src/<folder> or src/platform/<folder>.
      from: { path: '^(src/(?:platform/)?[^/]+)/', pathNot: ['^src/demo/', TESTS] },
      to: { path: '(^|/)repo[.]ts$', pathNot: '^$1/' },
    },
    {
      name: 'repo-only-from-its-own-capability-or-the-roots',
      comment:
        'Files directly under src/ other than the composition roots (src/services.ts, src/cli.ts, src/main.ts) ' +
        'do not import a repo.ts either.',
      severity: 'error',
      from: { path: '^src/[^/]+$', pathNot: ['^src/(services|cli|main)[.]ts$', TESTS] },
      to: { path: '(^|/)repo[.]ts$' },
    },
  ],
  options: {
    // Follow our own code, not into node_modules: a dependency on a package is recorded but not cruised.
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(build|data|bench/results)/' },
    moduleSystems: ['es6', 'cjs'],
    // Keep `import type` in the graph (see the note at the top).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
