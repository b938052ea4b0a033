// The SQL condition "this row's organisation is one the reader may see", shared by every query
// that lists records across organisations.
import { sql, type RawBuilder } from 'kysely';

/** Organisations by id, and/or a council with every partner agency beside it. */
export interface OrganisationScope {
  organisationIds?: string[];
  councilId?: string;
}

export function organisationScopeCondition(
  scope: OrganisationScope | 'all',
  column: string,
  options: { includeUnassigned?: boolean } = {},
): RawBuilder<boolean> {
  if (scope === 'all') return sql<boolean>`true`;
  const ref = sql.ref(column);
  const conditions: RawBuilder<boolean>[] = [];
  if (scope.organisationIds?.length) conditions.push(sql<boolean>`${ref} = any(${scope.organisationIds}::uuid[])`);
  if (scope.councilId) {
    conditions.push(
      sql<boolean>`${ref} in (select id from organisations where id = ${scope.councilId} or council_id = ${scope.councilId})`,
    );
    if (options.includeUnassigned) conditions.push(sql<boolean>`${ref} is null`);
  }
  return conditions.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(conditions, sql` or `)})`;
}
