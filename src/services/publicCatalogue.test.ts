// What the resident portal reads of the catalogue: only public, active services of the council
// asked about, found by any word of their names or descriptions in English or Welsh, and the top
// tasks (most asked for lately, made up from the usual ones).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aService } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createCasesService } from '../cases/service.ts';
import { createCustomersService } from '../customers/service.ts';
import type { Db } from '../db/database.ts';
import { insertOrganisation, insertTeam } from '../organisations/repo.ts';
import { systemActor } from '../platform/actor.ts';
import { createCalendarService } from './calendarService.ts';
import { createServicesService, PUBLIC_SEARCH_PAGE_SIZE, type ServicesService } from './service.ts';

describe('the public catalogue', () => {
  let database: TestDatabase;
  let db: Db;
  let services: ServicesService;
  let councilId: string;
  let otherCouncilId: string;
  let teamId: string;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    otherCouncilId = await insertOrganisation(db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    teamId = await insertTeam(db, { organisationId: councilId, code: 'streets', name: 'Streets' });
    const otherTeamId = await insertTeam(db, { organisationId: otherCouncilId, code: 'roads', name: 'Roads' });
    const add = (
      code: string,
      name: string,
      extra: { nameCy?: string; description?: string; public?: boolean; active?: boolean } = {},
    ) => addService(councilId, teamId, code, name, extra);
    await add('potholes', 'Potholes', { nameCy: 'Tyllau yn y ffordd', description: 'Report a hole in a road or pavement.' });
    await add('street-lights', 'Street lights', { nameCy: 'Goleuadau stryd', description: 'A street light that is out.' });
    await add('bin-collection-days', 'Bin collection days', { nameCy: 'Diwrnodau casglu biniau' });
    await add('fraud-referrals', 'Fraud referrals', { public: false, description: 'Staff only: a hole in the accounts.' });
    await add('old-service', 'Old pothole service', { active: false });
    await add('percent', '100% recycled bags');
    await addService(otherCouncilId, otherTeamId, 'potholes', 'County potholes', {});
    services = createServicesService(db);
  });
  after(() => database.drop());

  async function addService(
    council: string,
    team: string,
    code: string,
    name: string,
    extra: { nameCy?: string; description?: string; public?: boolean; active?: boolean },
  ): Promise<string> {
    const id = await aService(db, {
      councilId: council,
      teamId: team,
      code,
      name,
      slaWorkingDays: 5,
      ...(extra.nameCy ? { nameCy: extra.nameCy } : {}),
    });
    await db
      .updateTable('services')
      .set({ description: extra.description ?? '', public: extra.public ?? true, active: extra.active ?? true })
      .where('id', '=', id)
      .execute();
    return id;
  }

  it('lists only the council’s public, active services, by name', async () => {
    const catalogue = await services.publicCatalogue(councilId);
    assert.deepEqual(
      catalogue.map((service) => service.code),
      ['percent', 'bin-collection-days', 'potholes', 'street-lights'],
    );
    assert.deepEqual(await services.publicCatalogue('not-a-uuid'), []);
  });

  it('finds a public service by code, and nothing for a staff-only, stopped or another council’s one', async () => {
    assert.equal((await services.publicService(councilId, 'potholes'))?.name, 'Potholes');
    assert.equal((await services.publicService(otherCouncilId, 'potholes'))?.name, 'County potholes');
    assert.equal(await services.publicService(councilId, 'fraud-referrals'), undefined);
    assert.equal(await services.publicService(councilId, 'old-service'), undefined);
    assert.equal(await services.publicService(councilId, 'County potholes'), undefined);
  });

  it('searches names and descriptions in both languages, every word, names first, public ones only', async () => {
    const codes = async (query: string) =>
      (await services.searchPublicServices(councilId, query)).items.map((service) => service.code);
    assert.deepEqual(await codes('hole'), ['potholes']);
    assert.deepEqual(await codes('STREET light'), ['street-lights']);
    assert.deepEqual(await codes('goleuadau'), ['street-lights']);
    assert.deepEqual(await codes('road'), ['potholes']);
    assert.deepEqual(await codes('stryd road'), []);
    // LIKE's wildcards are taken as what they are.
    assert.deepEqual(await codes('%'), ['percent']);
    assert.deepEqual(await codes('_'), []);
    const none = await services.searchPublicServices(councilId, '   ');
    assert.deepEqual(none, { items: [], total: 0, page: 1, pageCount: 1 });
  });

  it('pages search results in SQL', async () => {
    const pageTeam = await insertTeam(db, { organisationId: otherCouncilId, code: 'paging', name: 'Paging' });
    for (let index = 0; index < PUBLIC_SEARCH_PAGE_SIZE + 2; index += 1)
      await addService(otherCouncilId, pageTeam, `parking-${index}`, `Parking ${String(index).padStart(2, '0')}`, {});
    const first = await services.searchPublicServices(otherCouncilId, 'parking', 1);
    const second = await services.searchPublicServices(otherCouncilId, 'parking', 2);
    assert.equal(first.total, PUBLIC_SEARCH_PAGE_SIZE + 2);
    assert.equal(first.pageCount, 2);
    assert.equal(first.items.length, PUBLIC_SEARCH_PAGE_SIZE);
    assert.deepEqual(
      second.items.map((service) => service.name),
      [`Parking ${PUBLIC_SEARCH_PAGE_SIZE}`, `Parking ${PUBLIC_SEARCH_PAGE_SIZE + 1}`],
    );
  });

  it('puts the services most asked for in the last 90 days first among the top tasks, then the usual ones', async () => {
    const now = new Date('2026-03-02T10:00:00Z');
    const customers = createCustomersService(db);
    const casesAt = (at: Date) =>
      createCasesService(db, {
        services,
        calendar: createCalendarService(db),
        findCustomer: (actor, id) => customers.findForContact(actor, id),
        notificationAddress: (id) => customers.notificationAddress(id),
        publicUrl: 'http://localhost',
        now: () => at,
      });
    const raise = (code: string, at: Date) =>
      casesAt(at).raise(
        systemActor('test'),
        { serviceCode: code, description: 'Test', channel: 'phone' },
        { council: councilId },
      );
    await raise('street-lights', new Date('2026-02-20T10:00:00Z'));
    await raise('street-lights', new Date('2026-02-21T10:00:00Z'));
    await raise('fraud-referrals', new Date('2026-02-21T10:00:00Z'));
    // Long ago: does not count.
    for (let index = 0; index < 3; index += 1) await raise('percent', new Date('2025-10-01T10:00:00Z'));

    const tasks = await createServicesService(db).topTasks(councilId, now);
    assert.deepEqual(
      tasks.map((service) => service.code),
      ['street-lights', 'bin-collection-days', 'potholes', 'percent'],
    );
  });
});
