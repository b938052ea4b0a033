// The Open311 tests' council: the potholes service's Street Scene team and its property on the map
// (aPotholesServiceOnTheMap), with the two public services FixMyStreet reports to — fly-tipping
// (what, and where on the map) and graffiti (no questions) — and potholes taken off the public
// catalogue, so that one service is staff-only.
import type { Db } from '../../src/db/database.ts';
import { FLY_TIPPING_QUESTIONS, aPotholesServiceOnTheMap, aService } from './builders.ts';

export interface Open311Catalogue {
  councilId: string;
  /** 1 Bailey Head, Oswestry, SY11 1PZ, at 52.8604, -3.0537. */
  uprn: number;
  /** A service the council offers only through its staff. */
  staffOnlyCode: 'potholes';
}

export async function anOpen311Catalogue(db: Db): Promise<Open311Catalogue> {
  const { councilId, uprn } = await aPotholesServiceOnTheMap(db);
  const { team_id: teamId } = await db
    .updateTable('services')
    .set({ public: false })
    .where('council_id', '=', councilId)
    .where('code', '=', 'potholes')
    .returning('team_id')
    .executeTakeFirstOrThrow();
  const service = { councilId, teamId, slaWorkingDays: 5 };
  await aService(db, { ...service, code: 'fly-tipping', name: 'Report fly-tipping', questions: FLY_TIPPING_QUESTIONS });
  await aService(db, { ...service, code: 'graffiti', name: 'Report graffiti', slaWorkingDays: 10 });
  return { councilId, uprn, staffOnlyCode: 'potholes' };
}
