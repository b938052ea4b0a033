// What `onedoor import services` needs of the catalogue's SQL: the teams a council's services may
// belong to, the codes it uses, and writing new services in the import's transaction.
import type { Queryable } from '../db/database.ts';
import type { ServiceInput } from './checks.ts';
import { insertService, serviceCodes, teamsServingCouncil } from './repo.ts';

export { serviceCodes, teamsServingCouncil };

export async function insertServiceRecords(
  db: Queryable,
  councilId: string,
  services: (ServiceInput & { organisationId: string })[],
): Promise<void> {
  for (const service of services) await insertService(db, councilId, service);
}
