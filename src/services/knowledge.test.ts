import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { insertOrganisation, insertTeam } from '../organisations/repo.ts';
import { systemActor, type Role, type StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Conflict, Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { createKnowledgeService, paragraphsOf, plainText, snippetParts, type KnowledgeService } from './knowledge.ts';
import { createServicesService } from './service.ts';

const system = systemActor('test');

describe('the knowledge base', () => {
  let database: TestDatabase;
  let db: Db;
  let knowledge: KnowledgeService;
  let councilId: string;
  let otherCouncilId: string;
  let binsId: string;
  let potholesId: string;
  let otherCouncilServiceId: string;
  let admin: StaffActor;
  let teamLeader: StaffActor;
  let advisor: StaffActor;
  let partnerWorker: StaffActor;
  let otherAdmin: StaffActor;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    otherCouncilId = await insertOrganisation(db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    await insertOrganisation(db, { code: 'police', name: 'Borough Police', kind: 'partner', councilId });
    const wasteTeam = await insertTeam(db, { organisationId: councilId, code: 'waste', name: 'Waste' });
    const countyTeam = await insertTeam(db, { organisationId: otherCouncilId, code: 'roads', name: 'County Roads' });
    const catalogue = createServicesService(db);
    const service = (code: string, name: string, teamId: string) => ({
      code,
      name,
      teamId,
      public: 'yes',
      firstContactResolvable: 'no',
      slaWorkingDays: '5',
      defaultPriority: 'normal',
    });
    binsId = (await catalogue.create(system, service('bins', 'Bin collections', wasteTeam), councilId)).id;
    potholesId = (await catalogue.create(system, service('potholes', 'Report a pothole', wasteTeam), councilId)).id;
    otherCouncilServiceId = (await catalogue.create(system, service('bins', 'County bins', countyTeam), otherCouncilId)).id;
    admin = await actorFor(['admin'], 'borough');
    teamLeader = await actorFor(['team_leader'], 'borough');
    advisor = await actorFor(['advisor'], 'borough');
    partnerWorker = await actorFor(['partner_worker'], 'police');
    otherAdmin = await actorFor(['admin'], 'county');
    knowledge = createKnowledgeService(db);
  });
  after(() => database.drop());

  async function actorFor(roles: Role[], organisation: string): Promise<StaffActor> {
    const { id } = await aStaffMember(db, { roles, organisation, name: `A ${roles[0]}` });
    const staff = await createAuthService(db).signedInStaff(id, '192.0.2.20');
    assert.ok(staff);
    return staff.actor;
  }

  const article = (overrides: Record<string, string> = {}) => ({
    title: 'Missed bin collection',
    body: 'If the crew missed a bin, check the collection day first.\n\nReport it within two working days.',
    audience: 'advisor',
    serviceId: binsId,
    ...overrides,
  });

  async function published(actor: StaffActor, fields: Record<string, string>, council?: string): Promise<string> {
    const { id } = await knowledge.create(actor, article(fields), { ...(council ? { councilId: council } : {}) });
    await knowledge.publish(actor, id);
    return id;
  }

  const auditOf = async (id: string) =>
    await db
      .selectFrom('audit_events')
      .select(['action', 'actor_label', 'organisation_id'])
      .where('record_id', '=', id)
      .orderBy('id')
      .execute();

  describe('writing', () => {
    it('adds an article as a draft at version 1, with its audit record', async () => {
      const { id } = await knowledge.create(teamLeader, article({ title: 'Garden waste subscriptions', serviceId: '' }));
      const saved = await knowledge.get(teamLeader, id);
      assert.equal(saved.status, 'draft');
      assert.equal(saved.version, 1);
      assert.equal(saved.serviceId, null);
      assert.equal(saved.updatedByLabel, 'A team_leader');
      assert.deepEqual(await auditOf(id), [
        { action: 'knowledge.article.create', actor_label: teamLeader.email, organisation_id: councilId },
      ]);
    });

    it('keeps every version of the words when an article is edited, and audits each change', async () => {
      const { id } = await knowledge.create(admin, article({ title: 'Bulky waste', body: 'First words.' }));
      assert.equal(await knowledge.update(admin, id, article({ title: 'Bulky waste', body: 'Second words.', version: '1' })), 2);
      assert.equal(
        await knowledge.update(teamLeader, id, article({ title: 'Bulky waste collections', body: 'Third words.', version: '2' })),
        3,
      );
      assert.equal(await knowledge.publish(admin, id), true);
      assert.equal(await knowledge.publish(admin, id), false, 'publishing twice changes nothing');
      assert.equal(await knowledge.archive(admin, id), true);

      const { versions } = await knowledge.versions(admin, id);
      assert.deepEqual(
        versions.map((version) => [version.number, version.title, version.body, version.authorLabel]),
        [
          [3, 'Bulky waste collections', 'Third words.', 'A team_leader'],
          [2, 'Bulky waste', 'Second words.', 'A admin'],
          [1, 'Bulky waste', 'First words.', 'A admin'],
        ],
      );
      assert.equal((await knowledge.version(admin, id, 1)).version.body, 'First words.');
      const current = await knowledge.get(admin, id);
      assert.equal(current.version, 3);
      assert.equal(current.status, 'archived');
      assert.deepEqual(
        (await auditOf(id)).map((event) => event.action),
        [
          'knowledge.article.create',
          'knowledge.article.update',
          'knowledge.article.update',
          'knowledge.article.publish',
          'knowledge.article.archive',
        ],
      );
      const [firstEdit] = await db
        .selectFrom('audit_events')
        .select('changes')
        .where('record_id', '=', id)
        .where('action', '=', 'knowledge.article.update')
        .orderBy('id')
        .execute();
      assert.deepEqual(firstEdit?.changes, { body: { from: 'version 1', to: 'version 2' } });
      await assert.rejects(
        db.updateTable('knowledge_article_versions').set({ body: 'Rewritten' }).where('article_id', '=', id).execute(),
        /kept as written/,
      );
    });

    it('refuses an edit started from an older version rather than overwrite the newer one', async () => {
      const { id } = await knowledge.create(admin, article({ title: 'Assisted collections' }));
      await knowledge.update(admin, id, article({ title: 'Assisted collections', body: 'Newer words.', version: '1' }));
      await assert.rejects(
        knowledge.update(teamLeader, id, article({ title: 'Assisted collections', body: 'Stale words.', version: '1' })),
        (error: unknown) => error instanceof Conflict && error.reason === 'knowledge.errors.changedMeanwhile',
      );
      assert.equal((await knowledge.get(admin, id)).body, 'Newer words.');
    });

    it('refuses bad input field by field, and a service of another council', async () => {
      await assert.rejects(
        knowledge.create(admin, { title: '', body: '', audience: 'everyone', serviceId: 'nope' }),
        (error: unknown) =>
          error instanceof Invalid &&
          JSON.stringify(error.errors.map((problem) => [problem.field, problem.message])) ===
            JSON.stringify([
              ['title', 'knowledge.errors.titleMissing'],
              ['body', 'knowledge.errors.bodyMissing'],
              ['audience', 'knowledge.errors.audienceMissing'],
              ['serviceId', 'knowledge.errors.serviceUnknown'],
            ]),
      );
      await assert.rejects(
        knowledge.create(admin, article({ serviceId: otherCouncilServiceId })),
        (error: unknown) => error instanceof Invalid && error.errors[0]?.field === 'serviceId',
      );
    });

    it('lets only the council’s administrators and team leaders write', async () => {
      await assert.rejects(knowledge.create(advisor, article()), NotAllowed);
      await assert.rejects(knowledge.create(partnerWorker, article({ audience: 'public' })), NotAllowed);
      const id = await published(admin, { title: 'Recycling boxes' });
      await assert.rejects(knowledge.update(advisor, id, article()), NotAllowed);
      await assert.rejects(knowledge.archive(advisor, id), NotAllowed);
      assert.equal(knowledge.canWrite(teamLeader), true);
      assert.equal(knowledge.canWrite(advisor), false);
    });

    it('keeps article text plain: no control characters or match markers, paragraphs by blank lines', () => {
      assert.equal(plainText('One\r\nTwo \u0007\uE000three\uE001\r\n\r\nFour  '), 'One\nTwo three\n\nFour');
      assert.deepEqual(paragraphsOf('One\nTwo\n\n\nThree\n  \n'), [['One', 'Two'], ['Three']]);
      assert.deepEqual(snippetParts('a \uE000<b>\uE001 c'), [
        { text: 'a ', match: false },
        { text: '<b>', match: true },
        { text: ' c', match: false },
      ]);
    });
  });

  describe('reading', () => {
    let advisorArticle: string;
    let publicArticle: string;
    let draft: string;
    let otherCouncilArticle: string;

    before(async () => {
      advisorArticle = await published(admin, {
        title: 'Potholes: what to tell callers',
        body: 'Ask how deep it is.',
        serviceId: potholesId,
      });
      publicArticle = await published(admin, {
        title: 'Report a pothole',
        body: 'Tell us where the pothole is.',
        audience: 'public',
        serviceId: potholesId,
      });
      draft = (await knowledge.create(admin, article({ title: 'Pothole compensation', serviceId: potholesId }))).id;
      otherCouncilArticle = await published(otherAdmin, { title: 'County potholes', serviceId: otherCouncilServiceId });
    });

    it('shows an advisor the published articles for advisors and for the public, not drafts', async () => {
      assert.equal((await knowledge.get(advisor, advisorArticle)).title, 'Potholes: what to tell callers');
      assert.equal((await knowledge.get(advisor, publicArticle)).title, 'Report a pothole');
      await assert.rejects(knowledge.get(advisor, draft), NotFound);
      assert.equal((await knowledge.get(teamLeader, draft)).status, 'draft', 'those who write see drafts');
    });

    it('lets a partner agency’s staff read public articles only', async () => {
      assert.equal((await knowledge.get(partnerWorker, publicArticle)).title, 'Report a pothole');
      await assert.rejects(knowledge.get(partnerWorker, advisorArticle), NotFound);
      const found = await knowledge.search(partnerWorker, { q: 'pothole' });
      assert.deepEqual(
        found.hits.map((hit) => hit.id),
        [publicArticle],
      );
    });

    it('treats another council’s article as not there', async () => {
      await assert.rejects(knowledge.get(admin, otherCouncilArticle), NotFound);
      await assert.rejects(knowledge.update(admin, otherCouncilArticle, article()), NotFound);
      await assert.rejects(knowledge.versions(advisor, otherCouncilArticle), NotFound);
      assert.ok(!(await knowledge.search(admin, { q: 'potholes' })).hits.some((hit) => hit.id === otherCouncilArticle));
      await assert.rejects(knowledge.get(admin, 'not-an-id'), NotFound);
    });

    it('gives the advisor raising a case the published articles for the service they picked', async () => {
      const forAdvisor = await knowledge.forService(advisor, potholesId);
      assert.deepEqual(forAdvisor.map((found) => found.id).sort(), [advisorArticle, publicArticle].sort());
      assert.deepEqual(
        (await knowledge.forService(partnerWorker, potholesId)).map((found) => found.id),
        [publicArticle],
      );
      await assert.rejects(knowledge.forService(advisor, otherCouncilServiceId), NotFound);
    });

    it('gives the resident portal the published public articles only', async () => {
      const list = await knowledge.publicArticles(councilId, potholesId);
      assert.deepEqual(
        list.map((found) => found.id),
        [publicArticle],
      );
      const found = await knowledge.searchPublic(councilId, 'pothole');
      assert.deepEqual(
        found.hits.map((hit) => hit.id),
        [publicArticle],
      );
    });
  });

  describe('search', () => {
    let titleMatch: string;
    let bodyMatch: string;

    before(async () => {
      bodyMatch = await published(admin, {
        title: 'Assisted waste service',
        body: 'Crews bring the wheelie bin out for residents who cannot manage it. A missed collection is returned the next day.',
        serviceId: binsId,
      });
      titleMatch = await published(admin, {
        title: 'Wheelie bin sizes',
        body: 'Households of six or more may ask for a larger container.',
        audience: 'public',
        serviceId: binsId,
      });
    });

    it('ranks a match in the title above a match in the body', async () => {
      const found = await knowledge.search(advisor, { q: 'wheelie' });
      assert.deepEqual(
        found.hits.map((hit) => hit.id),
        [titleMatch, bodyMatch],
      );
      assert.equal(found.total, 2);
    });

    it('finds words by their stem: "collections" finds "collection"', async () => {
      const found = await knowledge.search(advisor, { q: 'missed collections' });
      assert.ok(found.hits.some((hit) => hit.id === bodyMatch));
      const hit = found.hits.find((candidate) => candidate.id === bodyMatch)!;
      assert.ok(
        hit.snippetParts.some((part) => part.match && part.text === 'collection'),
        JSON.stringify(hit.snippetParts),
      );
    });

    it('reads what people type as web searches do: phrases and excluded words', async () => {
      const without = await knowledge.search(advisor, { q: 'wheelie -container' });
      assert.deepEqual(
        without.hits.map((hit) => hit.id),
        [bodyMatch],
      );
      assert.equal((await knowledge.search(advisor, { q: '"larger container"' })).hits[0]?.id, titleMatch);
      assert.equal((await knowledge.search(advisor, { q: '' })).total > 0, true, 'an empty search lists everything');
      assert.equal((await knowledge.search(advisor, { q: '!!! & |' })).total, 0, 'stray operators are not an error');
    });

    it('shows the opening of each article when nothing is searched for, cut at a word', async () => {
      const id = await published(admin, { title: 'Long opening', body: 'Collection '.repeat(40).trim(), serviceId: potholesId });
      const hit = (await knowledge.search(advisor, { serviceId: potholesId })).hits.find((candidate) => candidate.id === id);
      assert.match(hit?.snippet ?? '', /^(Collection )+…$/);
      assert.deepEqual(hit?.snippetParts.length, 1);
    });

    it('narrows by service and audience, and pages in SQL', async () => {
      const publicBins = await knowledge.search(advisor, { serviceId: binsId, audience: 'public' });
      assert.deepEqual(
        publicBins.hits.map((hit) => hit.id),
        [titleMatch],
      );
      for (let index = 0; index < 21; index++) {
        await knowledge.create(admin, article({ title: `Paging article ${index}`, body: 'Paging words.' }));
      }
      const first = await knowledge.search(admin, { q: 'paging', status: 'draft' });
      assert.equal(first.total, 21);
      assert.equal(first.hits.length, 20);
      assert.equal(first.pageCount, 2);
      const second = await knowledge.search(admin, { q: 'paging', status: 'draft' }, 2);
      assert.equal(second.hits.length, 1);
      assert.ok(!first.hits.some((hit) => hit.id === second.hits[0]!.id));
      assert.equal((await knowledge.search(advisor, { q: 'paging' })).total, 0, 'drafts are not listed to readers');
    });
  });
});
