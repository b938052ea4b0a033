// What the webhooks tests share: a council whose waste team takes missed-bin cases, with the cases
// and complaints services that record the events webhooks tell of.
import { createCasesService, type CasesService } from '../../src/cases/service.ts';
import { createComplaintsService, type ComplaintsService } from '../../src/complaints/service.ts';
import type { Db } from '../../src/db/database.ts';
import { findFirstCouncil, insertOrganisation } from '../../src/organisations/repo.ts';
import { createCalendarService } from '../../src/services/calendarService.ts';
import { createServicesService } from '../../src/services/service.ts';
import { aService, aTeam } from './builders.ts';

export interface MissedBinCouncil {
  councilId: string;
  cases: CasesService;
  complaints: ComplaintsService;
}

/** The first council (made if there is none), its waste team, and its missed-bin service (two working days). */
export async function aMissedBinCouncil(db: Db): Promise<MissedBinCouncil> {
  const councilId =
    (await findFirstCouncil(db))?.id ??
    (await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null }));
  const teamId = await aTeam(db, { organisationId: councilId, code: 'waste', name: 'Waste' });
  await aService(db, { councilId, teamId, code: 'missed-bin', name: 'Missed bin', slaWorkingDays: 2 });
  const dependencies = {
    services: createServicesService(db),
    calendar: createCalendarService(db),
    findCustomer: async () => undefined,
    notificationAddress: async () => undefined,
    publicUrl: 'https://council.example',
  };
  return {
    councilId,
    cases: createCasesService(db, dependencies),
    complaints: createComplaintsService(db, dependencies),
  };
}
