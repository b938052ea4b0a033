// The administrators' API keys pages, over real HTTP: make a key (shown once), see it listed
// without its secret, use it, revoke it after a confirmation page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import type { WebClient } from '../support/web.ts';

describe('the API keys pages', () => {
  let server: TestServer;
  let admin: WebClient;
  let councilId: string;

  before(async () => {
    server = await startTestServer();
    admin = await server.signedIn(ADMIN);
    councilId = (await findFirstCouncil(server.db))!.id;
  });
  after(() => server.close());

  const whoAmI = async (key: string) =>
    await fetch(`${server.url}/api/v1/api-key`, { headers: { authorization: `Bearer ${key}` } });

  it('makes a key, shows it once, lists it without its secret, and revokes it', async () => {
    const form = await admin.get('/staff/admin/api-keys/new');
    assert.equal(form.status, 200);
    assert.equal(form.heading, 'Make an API key');
    const scopeBoxes = form.dom.querySelectorAll('input[name="scopes"]').map((box) => box.getAttribute('value'));
    assert.ok(scopeBoxes.includes('customers:read') && scopeBoxes.includes('performance:read'));

    const made = await admin.post('/staff/admin/api-keys', {
      name: 'Housing system',
      organisationId: councilId,
      scopes: ['customers:read', 'cases:write'],
    });
    assert.equal(made.status, 200, made.errorSummary.join('; '));
    assert.equal(made.heading, 'Your new API key');
    assert.match(made.headers.get('cache-control') ?? '', /no-store/);
    const key = made.dom.querySelector('#api-key')?.text.trim() ?? '';
    assert.match(key, /^odk_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
    const secret = key.slice('odk_abcdefgh_'.length);

    const answer = await whoAmI(key);
    assert.equal(answer.status, 200);
    const described = (await answer.json()) as { id: string; name: string; scopes: string[] };
    assert.equal(described.name, 'Housing system');
    assert.deepEqual(described.scopes, ['customers:read', 'cases:write']);

    const list = await admin.get('/staff/admin/api-keys');
    assert.equal(list.status, 200);
    assert.ok(list.html.includes('Housing system'));
    assert.ok(list.html.includes(key.slice(0, 'odk_abcdefgh'.length)), 'the prefix is shown');
    assert.ok(!list.html.includes(secret), 'the secret is not');
    const { rows } = await server.db
      .selectFrom('sessions')
      .select('data')
      .execute()
      .then((sessions) => ({ rows: JSON.stringify(sessions) }));
    assert.ok(!rows.includes(secret), 'nor kept in anyone’s session');

    const confirm = await admin.get(`/staff/admin/api-keys/${described.id}/revoke`);
    assert.equal(confirm.status, 200);
    assert.equal(confirm.heading, 'Revoke the API key Housing system?');
    const revoked = await admin.post(`/staff/admin/api-keys/${described.id}/revoke`, {});
    assert.equal(revoked.status, 303);
    assert.equal(revoked.location, '/staff/admin/api-keys');
    const after = await admin.follow(revoked);
    assert.ok(after.html.includes('The API key has been revoked.'));
    assert.equal((await whoAmI(key)).status, 401);

    const events = await server.db
      .selectFrom('audit_events')
      .select(['action', 'actor_label'])
      .where('record_id', '=', described.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(events, [
      { action: 'api_key.create', actor_label: ADMIN.email },
      { action: 'api_key.revoke', actor_label: ADMIN.email },
    ]);
  });

  it('shows what to fix when the form is incomplete', async () => {
    await admin.get('/staff/admin/api-keys/new');
    const page = await admin.post('/staff/admin/api-keys', { name: '', organisationId: councilId });
    assert.equal(page.status, 400);
    assert.deepEqual(page.errorSummary, ['Enter a name for the key', 'Select at least one scope']);
  });

  it('refuses a revocation without the form’s CSRF token', async () => {
    const created = await server.services.apiKeys.create(systemActor('test'), {
      organisationId: councilId,
      name: 'Unguarded',
      scopes: ['services:read'],
    });
    const page = await admin.post(`/staff/admin/api-keys/${created.id}/revoke`, { _csrf: 'forged' });
    assert.equal(page.status, 403);
    assert.equal((await whoAmI(created.key)).status, 200);
  });

  it('keeps a partner agency’s administrator to their own agency’s keys', async () => {
    await aPartnerAgency(server.db, 'keys-police', 'Keys Police');
    const partnerAdmin = await server.signedIn(await aStaffMember(server.db, { roles: ['admin'], organisation: 'keys-police' }));
    const councilKey = await server.services.apiKeys.create(systemActor('test'), {
      organisationId: councilId,
      name: 'Council only',
      scopes: ['services:read'],
    });
    const list = await partnerAdmin.get('/staff/admin/api-keys');
    assert.equal(list.status, 200);
    assert.ok(!list.html.includes('Council only'));
    assert.equal((await partnerAdmin.get(`/staff/admin/api-keys/${councilKey.id}/revoke`)).status, 404);
    const form = await partnerAdmin.get('/staff/admin/api-keys/new');
    const organisations = form.dom.querySelectorAll('#organisationId option').map((option) => option.text.trim());
    assert.deepEqual(organisations, ['Keys Police']);
    const refused = await partnerAdmin.post('/staff/admin/api-keys', {
      name: 'Sneaky',
      organisationId: councilId,
      scopes: ['customers:read'],
    });
    assert.equal(refused.status, 403);
    assert.equal((await whoAmI(councilKey.key)).status, 200);
  });

  it('is not open to staff who are not administrators', async () => {
    const advisor = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor', 'dpo'] }));
    assert.equal((await advisor.get('/staff/admin/api-keys')).status, 403);
    assert.equal((await advisor.get('/staff/admin/api-keys/new')).status, 403);
  });
});
