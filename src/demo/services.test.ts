import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { insertOrganisation, insertTeam } from '../organisations/repo.ts';
import { SERVICE_CODE_PATTERN } from '../services/schemas.ts';
import { referenceDataDir } from './gazetteer.ts';
import {
  BUILT_IN_LGSL,
  FIXMYSTREET_CATEGORIES,
  FIXMYSTREET_FILE,
  LGSL_FILE,
  demoServices,
  fixMyStreetServiceCode,
  readFixMyStreetCategories,
  readLgslServices,
  seedDemoServices,
} from './services.ts';

const hasFile = (name: string) => fs.existsSync(path.join(referenceDataDir(), name));
const withLgsl = { skip: hasFile(LGSL_FILE) ? false : 'the LGSL list is not on this machine' };
const withReports = { skip: hasFile(FIXMYSTREET_FILE) ? false : 'the FixMyStreet reports are not on this machine' };

describe('the demo service catalogue', () => {
  it('maps every FixMyStreet category of the Oswestry reports to one of its services', withReports, () => {
    const categories = readFixMyStreetCategories();
    assert.ok(categories);
    assert.equal(categories.size, 96);
    const codes = new Set(demoServices().services.map((service) => service.code));
    const unmapped = [...categories].filter((category) => !Object.hasOwn(FIXMYSTREET_CATEGORIES, category));
    assert.deepEqual(unmapped, []);
    for (const category of categories) assert.ok(codes.has(fixMyStreetServiceCode(category)), category);
  });

  it('sends potholes and lights to highways’ services, fly-tipping to waste’s, dog fouling to environmental health’s', () => {
    assert.equal(fixMyStreetServiceCode('Carriageway pothole'), 'potholes');
    assert.equal(fixMyStreetServiceCode('Footway pothole'), 'potholes');
    assert.equal(fixMyStreetServiceCode('Street Light Out'), 'street-lights');
    assert.equal(fixMyStreetServiceCode('Drain blocked'), 'drains-flooding');
    assert.equal(fixMyStreetServiceCode('Fly Tipping'), 'fly-tipping');
    assert.equal(fixMyStreetServiceCode('Dog fouling'), 'dog-fouling');
    assert.equal(fixMyStreetServiceCode('A category nobody has seen'), 'other-highways');
    const byCode = new Map(demoServices().services.map((service) => [service.code, service]));
    assert.equal(byCode.get('potholes')?.team, 'highways');
    assert.equal(byCode.get('fly-tipping')?.team, 'waste');
    assert.equal(byCode.get('dog-fouling')?.team, 'environmental-health');
  });

  it('gives every reported service a required location question, and every service a code, both names and a target', () => {
    const services = demoServices().services;
    for (const code of new Set(Object.values(FIXMYSTREET_CATEGORIES))) {
      const service = services.find((candidate) => candidate.code === code);
      assert.ok(service, code);
      assert.deepEqual(
        service.questions?.filter((question) => question.kind === 'location').map((question) => question.required),
        [true],
        code,
      );
    }
    assert.equal(new Set(services.map((service) => service.code)).size, services.length, 'codes are unique');
    for (const service of services) {
      assert.match(service.code, SERVICE_CODE_PATTERN);
      assert.ok(service.name && service.nameCy, service.code);
      assert.ok(service.sla >= 1 && service.sla <= 20, service.code);
    }
  });

  it('takes every district or all-tier service of the LGSL list', withLgsl, () => {
    const { services, source } = readLgslServices();
    assert.equal(source, 'reference');
    assert.equal(services.length, 67);
    assert.ok(services.some((service) => service.lgsl === 524 && service.code === 'bin-collection-days'));
    assert.ok(!services.some((service) => service.lgsl === 1), 'county services are left out');
  });

  it('falls back to a few services written into OneDoor without the list', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-no-data-'));
    try {
      const { services, source } = readLgslServices(directory);
      assert.equal(source, 'fallback');
      assert.deepEqual(
        services.map((service) => service.lgsl),
        [...BUILT_IN_LGSL],
      );
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  describe('seeding', () => {
    let database: TestDatabase;
    let councilId: string;
    before(async () => {
      database = await freshDatabase();
      councilId = await insertOrganisation(database.db, {
        code: 'severn-marches',
        name: 'Severn Marches',
        kind: 'council',
        councilId: null,
      });
      for (const code of [
        'customer-services',
        'waste',
        'highways',
        'revenues-benefits',
        'planning',
        'housing',
        'registration',
        'environmental-health',
        'complaints',
      ]) {
        await insertTeam(database.db, { organisationId: councilId, code, name: code });
      }
      for (const [agency, team] of [
        ['marches-police', 'neighbourhood'],
        ['citizens-advice', 'advice-line'],
      ] as const) {
        const id = await insertOrganisation(database.db, { code: agency, name: agency, kind: 'partner', councilId });
        await insertTeam(database.db, { organisationId: id, code: team, name: team });
      }
    });
    after(() => database.drop());

    it('adds the catalogue with questions and routing rules, then nothing when run again', async () => {
      const added = await seedDemoServices(database.db, councilId);
      assert.equal(added, demoServices().services.length);
      const count = async (table: 'services' | 'service_questions' | 'service_routing_rules') =>
        (await database.db.selectFrom(table).select('id').execute()).length;
      const before = {
        services: await count('services'),
        questions: await count('service_questions'),
        rules: await count('service_routing_rules'),
      };
      const potholes = await database.db
        .selectFrom('service_questions')
        .innerJoin('services', 'services.id', 'service_questions.service_id')
        .select('service_questions.code')
        .where('services.code', '=', 'potholes')
        .orderBy('service_questions.position')
        .execute();
      assert.deepEqual(
        potholes.map((question) => question.code),
        ['location', 'dangerous', 'size'],
      );
      assert.ok(before.rules >= 5);
      assert.equal(await seedDemoServices(database.db, councilId), 0);
      assert.deepEqual(
        {
          services: await count('services'),
          questions: await count('service_questions'),
          rules: await count('service_routing_rules'),
        },
        before,
      );
      const vehicles = await database.db
        .selectFrom('service_routing_rules')
        .innerJoin('services', 'services.id', 'service_routing_rules.service_id')
        .innerJoin('teams', 'teams.id', 'service_routing_rules.team_id')
        .select(['service_routing_rules.ward', 'teams.code'])
        .where('services.code', '=', 'abandoned-vehicles')
        .execute();
      assert.deepEqual(vehicles, [{ ward: 'Oswestry East', code: 'neighbourhood' }]);
    });
  });
});
