// First start: make sure there is a council and someone who can administer it. The
// administrator comes from ONEDOOR_ADMIN_EMAIL/ONEDOOR_ADMIN_PASSWORD, or is made up with a
// random password written to DATA_DIR/admin-credentials.txt (readable by its owner only).
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { inUnitOfWork } from '../db/unitOfWork.ts';
import { systemActor } from '../platform/actor.ts';
import { passwordProblem } from '../platform/passwords.ts';
import * as repo from './repo.ts';
import { createOrganisationsService, temporaryPassword } from './service.ts';

export const ADMIN_CREDENTIALS_FILE = 'admin-credentials.txt';

export interface FirstStartOutcome {
  councilName: string;
  /** Where a generated administrator's password was written, if one was. */
  credentialsFile?: string;
}

export async function ensureCouncilAndAdministrator(db: Db, options: FirstStartOptions): Promise<FirstStartOutcome> {
  // Several nodes starting at once on an empty database would each make the council and its
  // administrator, and all but one fail: they take turns, each in one transaction.
  return await inUnitOfWork(db, async () => {
    await sql`select pg_advisory_xact_lock(hashtext('onedoor:first-start'))`.execute(db);
    return await ensureOnce(db, options);
  });
}

interface FirstStartOptions {
  dataDir: string;
  councilName: string;
  admin?: { email: string; password: string };
  warn(line: string): void;
}

async function ensureOnce(db: Db, options: FirstStartOptions): Promise<FirstStartOutcome> {
  const actor = systemActor('first-start');
  let council = await repo.findFirstCouncil(db);
  if (!council) {
    const code = slug(options.councilName);
    await db.transaction().execute(async (trx) => {
      await repo.insertOrganisation(trx, { code, name: options.councilName, kind: 'council', councilId: null });
    });
    council = (await repo.findFirstCouncil(db))!;
  }

  const credentialsFile = path.join(options.dataDir, ADMIN_CREDENTIALS_FILE);
  const organisations = createOrganisationsService(db);
  if (options.admin) {
    if (!(await repo.findUserByEmail(db, options.admin.email))) {
      const problem = passwordProblem(options.admin.password, { email: options.admin.email });
      if (problem) options.warn(`ONEDOOR_ADMIN_PASSWORD breaks the password rules (${problem}): change it after signing in`);
      await organisations.createUser(
        actor,
        { name: 'Administrator', email: options.admin.email, organisationId: council.id, roles: ['admin'], teams: [] },
        { password: options.admin.password, enforcePasswordRules: false },
      );
    }
    return { councilName: council.name, credentialsFile: fs.existsSync(credentialsFile) ? credentialsFile : undefined };
  }

  const anyAdmin = await db
    .selectFrom('staff_users')
    .select('id')
    .where('active', '=', true)
    .where(sql<boolean>`'admin' = any(roles)`)
    .executeTakeFirst();
  if (!anyAdmin) {
    const email = `admin@${council.code}.example`;
    const password = temporaryPassword();
    if (!(await repo.findUserByEmail(db, email))) {
      await organisations.createUser(
        actor,
        { name: 'Administrator', email, organisationId: council.id, roles: ['admin'], teams: [] },
        { password },
      );
      fs.mkdirSync(options.dataDir, { recursive: true });
      fs.writeFileSync(
        credentialsFile,
        `OneDoor administrator for ${council.name}\nEmail address: ${email}\nPassword: ${password}\n` +
          'Sign in at /staff and change this password (Your account > Change password).\n',
        { mode: 0o600 },
      );
    }
  }
  return { councilName: council.name, credentialsFile: fs.existsSync(credentialsFile) ? credentialsFile : undefined };
}

function slug(name: string): string {
  const code = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return code.length >= 2 ? code : 'council';
}
