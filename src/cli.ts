// The `onedoor` command. Each command prints a plain error and exits non-zero on bad input, and
// works whether or not a server is running on the same DATA_DIR (it then uses that server's
// embedded database). The server and the demo are loaded only by the commands that use them, so
// that the others start in a fraction of the time.
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase } from './db/connect.ts';
import type { Db } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { ImportFileError, type ImportResult } from './integration/imports/csv.ts';
import { importCustomers } from './integration/imports/customers.ts';
import { importGazetteer } from './integration/imports/gazetteer.ts';
import { importServices } from './integration/imports/services.ts';
import { BankHolidayFileError, readBankHolidaysFile } from './services/bankHolidays.ts';
import { createCalendarService } from './services/calendarService.ts';
import { findFirstCouncil, findOrganisation } from './organisations/repo.ts';
import { createOrganisationsService } from './organisations/service.ts';
import { ROLES, isRole, systemActor } from './platform/actor.ts';
import { SCOPES } from './platform/apiKeys/scopes.ts';
import { createApiKeysService, scopesFrom } from './platform/apiKeys/service.ts';
import { Invalid, NotFound, StartupError } from './platform/errors.ts';
import { EMAIL_PATTERN } from './platform/forms.ts';
import { createTranslator, loadMessages } from './platform/i18n.ts';
import { isUuid } from './platform/ids.ts';

const HELP = `Usage: onedoor <command> [options]

Commands:
  start                         start OneDoor (what npm start runs)
  migrate                       apply database migrations and exit
  seed demo                     load the demo council (safe to run again)
  user create --email E --name N --role R[,R2] [--org CODE]
                                create a staff account; the password is read from
                                standard input (typed, hidden, when it is a terminal)
  import <gazetteer|customers|services> FILE.csv [--org CODE]
                                import the council's properties, customers or services from a
                                CSV file with a header row; reports each rejected row
                                by its line number (exit 1 when any row is rejected)
  import bank-holidays FILE.json
                                update the bank holidays from GOV.UK's file
                                (https://www.gov.uk/bank-holidays.json, whole or one
                                division); reports what was added, changed and removed
  api-key create --name N --scopes S1,S2 [--org CODE]
                                make a key for the JSON API and print it (once);
                                --scopes all grants every scope
  api-key revoke --id ID        stop a key working, at once
  help                          show this help

Roles: ${ROLES.join(', ')}
Scopes: ${SCOPES.join(', ')}

Settings are read from environment variables (PORT, HOST, DATA_DIR, DATABASE_URL, ...):
see README.md.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return command === undefined ? 1 : 0;
  }
  const config = loadConfig();
  switch (command) {
    case 'start':
      expectNoArguments(rest, 'start');
      return await startServer(config);
    case 'migrate':
      expectNoArguments(rest, 'migrate');
      return await withDatabase(config, async (db) => {
        const applied = await migrateToLatest(db);
        console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
        return 0;
      });
    case 'seed':
      if (rest[0] !== 'demo' || rest.length > 1) throw new UsageError('usage: onedoor seed demo');
      return await withDatabase(config, async (db) => {
        await migrateToLatest(db);
        const { seedDemo } = await import('./demo/seedDemo.ts');
        const outcome = await seedDemo(db, config.dataDir);
        console.log(
          outcome.usersCreated > 0
            ? `Demo council loaded: ${outcome.usersCreated} demo account(s); passwords in ${outcome.credentialsFile}`
            : 'The demo council is already loaded.',
        );
        return 0;
      });
    case 'user':
      if (rest[0] !== 'create') throw new UsageError('usage: onedoor user create --email E --name N --role R [--org O]');
      return await createUser(config, rest.slice(1));
    case 'import':
      if (rest[0] === 'bank-holidays') return await importBankHolidays(config, rest.slice(1));
      return await importFile(config, rest);
    case 'api-key':
      if (rest[0] === 'create') return await createApiKey(config, rest.slice(1));
      if (rest[0] === 'revoke') return await revokeApiKey(config, rest.slice(1));
      throw new UsageError('usage: onedoor api-key create --name N --scopes S1,S2 [--org O] | onedoor api-key revoke --id ID');
    default:
      throw new UsageError(`unknown command "${command}": run onedoor --help`);
  }
}

function expectNoArguments(rest: string[], command: string): void {
  if (rest.length > 0) throw new UsageError(`"${command}" takes no arguments (got "${rest.join(' ')}")`);
}

async function withDatabase(config: Config, run: (db: Db) => Promise<number>): Promise<number> {
  const database = await openDatabase(config, 'cli', () => undefined);
  try {
    return await run(database.db);
  } finally {
    await database.close();
  }
}

async function startServer(config: Config): Promise<number> {
  const { start } = await import('./main.ts');
  const server = await start(config, { info: (line) => console.log(line), warn: (line) => console.warn(`Warning: ${line}`) });
  await new Promise<void>((resolve) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        console.error('Stopping at once.');
        process.exit(1);
      }
      console.log(`${signal} received: stopping OneDoor…`);
      server.stop().then(resolve, (error: unknown) => {
        console.error(`onedoor: error while stopping: ${(error as Error).message}`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log('OneDoor has stopped.');
  return 0;
}

async function createUser(config: Config, args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, org: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const problems: string[] = [];
  const email = values.email?.trim().toLowerCase() ?? '';
  if (!EMAIL_PATTERN.test(email)) problems.push('--email must be an email address');
  const name = values.name?.trim() ?? '';
  if (name === '') problems.push('--name is required');
  const roles = (values.role ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  if (roles.length === 0) problems.push(`--role is required (one or more of ${ROLES.join(', ')})`);
  const unknownRoles = roles.filter((role) => !isRole(role));
  if (unknownRoles.length > 0) problems.push(`unknown role ${unknownRoles.join(', ')} (roles: ${ROLES.join(', ')})`);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));

  const password = await readPassword();
  return await withDatabase(config, async (db) => {
    await migrateToLatest(db);
    const organisation = values.org ? await findOrganisation(db, values.org) : await findFirstCouncil(db);
    if (!organisation) {
      throw new UsageError(
        values.org ? `no organisation with the code "${values.org}"` : 'there is no council yet: run onedoor start first',
      );
    }
    const t = createTranslator(loadMessages(), 'en');
    try {
      const { id } = await createOrganisationsService(db).createUser(
        systemActor('cli'),
        { email, name, roles: roles.filter(isRole), organisationId: organisation.id, teams: [] },
        { password },
      );
      console.log(`Created ${email} (${roles.join(', ')}) in ${organisation.name}: ${id}`);
      return 0;
    } catch (error) {
      if (error instanceof Invalid) throw new UsageError(error.errors.map((problem) => t(problem.message)).join('\n'));
      throw error;
    }
  });
}

const IMPORTS = { gazetteer: importGazetteer, customers: importCustomers, services: importServices } as const;
const IMPORT_USAGE = 'usage: onedoor import <gazetteer|customers|services> FILE.csv [--org CODE]';

async function importFile(config: Config, args: string[]): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({ args, options: { org: { type: 'string' } }, strict: true, allowPositionals: true }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${IMPORT_USAGE}`);
  }
  const [kind, file, ...extra] = positionals;
  if (kind !== 'gazetteer' && kind !== 'customers' && kind !== 'services') {
    throw new UsageError(kind === undefined ? IMPORT_USAGE : `cannot import "${kind}"\n${IMPORT_USAGE}`);
  }
  if (file === undefined || extra.length > 0) throw new UsageError(IMPORT_USAGE);
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'there is no such file' : (code ?? 'unreadable')}`);
  }

  return await withDatabase(config, async (db) => {
    await migrateToLatest(db);
    const council = values.org ? await findOrganisation(db, values.org) : await findFirstCouncil(db);
    if (!council || council.kind !== 'council') {
      throw new UsageError(
        values.org ? `no council with the code "${values.org}"` : 'there is no council yet: run onedoor start first',
      );
    }
    let result: ImportResult;
    try {
      result = await IMPORTS[kind](db, { file, councilId: council.id });
    } catch (error) {
      if (error instanceof ImportFileError) throw new UsageError(error.message);
      throw error;
    }
    console.log(importSummary(result));
    for (const { line, reason } of result.rejected) console.log(`line ${line}: ${reason}`);
    return result.rejected.length > 0 ? 1 : 0;
  });
}

function importSummary({ imported, rejected }: ImportResult): string {
  const count = (n: number) => `${n.toLocaleString('en-GB')} row${n === 1 ? '' : 's'}`;
  return rejected.length > 0
    ? `Imported ${count(imported)}; rejected ${rejected.length.toLocaleString('en-GB')}:`
    : `Imported ${count(imported)}.`;
}

const BANK_HOLIDAYS_USAGE = 'usage: onedoor import bank-holidays FILE.json';

/** Checks the whole file before changing anything; then each division in one transaction with its audit record. */
async function importBankHolidays(config: Config, args: string[]): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined || file.startsWith('-') || extra.length > 0) throw new UsageError(BANK_HOLIDAYS_USAGE);
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'there is no such file' : (code ?? 'unreadable')}`);
  }
  let divisions;
  try {
    divisions = readBankHolidaysFile(file);
  } catch (error) {
    if (error instanceof BankHolidayFileError) throw new UsageError(`${file} is not GOV.UK's bank holidays:\n${error.message}`);
    throw error;
  }
  return await withDatabase(config, async (db) => {
    await migrateToLatest(db);
    const results = await createCalendarService(db).importBankHolidays(systemActor('cli'), divisions);
    for (const result of results) {
      console.log(
        `${result.division} (${result.from} to ${result.to}): ${result.added} added, ${result.changed} changed, ` +
          `${result.removed} removed, ${result.unchanged} unchanged`,
      );
    }
    return 0;
  });
}

function parseOptions<O extends Record<string, { type: 'string' }>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function createApiKey(config: Config, args: string[]): Promise<number> {
  const values = parseOptions(args, { name: { type: 'string' }, scopes: { type: 'string' }, org: { type: 'string' } });
  const problems: string[] = [];
  const name = values.name?.trim() ?? '';
  if (name === '') problems.push('--name is required (what the key is for, e.g. "Housing system")');
  const requested = (values.scopes ?? '').split(',').map((scope) => scope.trim());
  const { scopes, unknown } =
    requested.length === 1 && requested[0] === 'all' ? { scopes: [...SCOPES], unknown: [] } : scopesFrom(requested);
  if (unknown.length > 0) problems.push(`unknown scope ${unknown.join(', ')} (scopes: ${SCOPES.join(', ')}, or all)`);
  else if (scopes.length === 0) problems.push(`--scopes is required (one or more of ${SCOPES.join(', ')}, or all)`);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));

  return await withDatabase(config, async (db) => {
    await migrateToLatest(db);
    const organisation = values.org ? await findOrganisation(db, values.org) : await findFirstCouncil(db);
    if (!organisation) {
      throw new UsageError(
        values.org ? `no organisation with the code "${values.org}"` : 'there is no council yet: run onedoor start first',
      );
    }
    const t = createTranslator(loadMessages(), 'en');
    try {
      const created = await createApiKeysService(db).create(systemActor('cli'), {
        organisationId: organisation.id,
        name,
        scopes,
      });
      console.log(`Created the API key "${created.name}" for ${organisation.name}: ${created.id}`);
      console.log(`Scopes: ${created.scopes.join(', ')}`);
      console.log('This is the only time the key is shown. Store it now:');
      console.log(created.key);
      return 0;
    } catch (error) {
      if (error instanceof Invalid) throw new UsageError(error.errors.map((problem) => t(problem.message)).join('\n'));
      throw error;
    }
  });
}

async function revokeApiKey(config: Config, args: string[]): Promise<number> {
  const values = parseOptions(args, { id: { type: 'string' } });
  const id = values.id?.trim() ?? '';
  if (!isUuid(id)) {
    throw new UsageError('--id must be the id of an API key (printed when it was made)');
  }
  return await withDatabase(config, async (db) => {
    await migrateToLatest(db);
    try {
      const revoked = await createApiKeysService(db).revoke(systemActor('cli'), id);
      console.log(revoked ? `Revoked the API key ${id}.` : `The API key ${id} had already been revoked.`);
      return 0;
    } catch (error) {
      if (error instanceof NotFound) throw new UsageError(`no API key with the id ${id}`);
      throw error;
    }
  });
}

/** The password from standard input: typed without echo at a terminal, else the first line. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const muted = rl as unknown as { _writeToOutput: (text: string) => void };
    process.stderr.write('Password: ');
    muted._writeToOutput = () => undefined;
    const password = await new Promise<string>((resolve) => rl.question('', resolve));
    rl.close();
    process.stderr.write('\n');
    return password;
  }
  const input = fs.readFileSync(0, 'utf8');
  const password = input.split(/\r?\n/)[0] ?? '';
  if (password === '')
    throw new UsageError('give the password on standard input, e.g. printf "%s" "$PASSWORD" | onedoor user create ...');
  return password;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`onedoor: ${problem}`);
    } else if (error instanceof UsageError || error instanceof StartupError) {
      for (const line of error.message.split('\n')) console.error(`onedoor: ${line}`);
    } else {
      console.error(`onedoor: ${(error as Error).message?.split('\n')[0] ?? String(error)}`);
      if (process.env.LOG_LEVEL === 'debug') console.error(error);
    }
    process.exit(error instanceof UsageError || error instanceof ConfigError ? 2 : 1);
  },
);
