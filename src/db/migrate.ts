// Applies migrations (at start and with `onedoor migrate`) and tells whether they are current.
import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';

// Migrations work on any database handle, whatever its table types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
import { migrations } from './migrations/index.ts';

function migrator(db: AnyDb): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
}

/** Applies every pending migration in one go; returns the names applied. */
export async function migrateToLatest(db: AnyDb): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((result: MigrationResult) => result.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${reason}`.replace('  ', ' '));
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/**
 * True when every migration this build knows has been applied. Newer ones applied by a newer
 * node during a rolling upgrade do not make this node unready.
 */
export async function migrationsAreCurrent(db: AnyDb): Promise<boolean> {
  const known = Object.keys(migrations);
  const table = await sql<{ exists: boolean }>`select to_regclass('kysely_migration') is not null as exists`.execute(db);
  if (!table.rows[0]?.exists) return known.length === 0;
  const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  const names = new Set(applied.rows.map((row) => row.name));
  return known.every((name) => names.has(name));
}
