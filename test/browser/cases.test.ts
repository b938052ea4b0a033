// A case from first contact to resolution in a real browser: an advisor, with JavaScript turned
// off, raises a case from a customer's record (service picked, address found by postcode, a
// mistake corrected from the error summary); an officer of the owning team takes it, adds an
// internal note and a public update that resolves it, and attaches a photo. axe checks every page.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { saveProperties } from '../../src/gazetteer/service.ts';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aService, aStaffMember, aTeam, type BuiltStaffMember } from '../support/builders.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { aPng } from '../support/files.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 180_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').first().innerText()).trim().replace(/\s+/g, ' ');
}

browserSuite('a case from first contact to resolution in a browser', (browser) => {
  let server: TestServer;
  let advisor: BuiltStaffMember;
  let officer: BuiltStaffMember;
  let customerId: string;
  let reference: string;

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    const councilId = (await findFirstCouncil(db))!.id;
    const teamId = await aTeam(db, { organisationId: councilId, code: 'street-scene', name: 'Street Scene' });
    await aService(db, {
      councilId,
      teamId,
      code: 'potholes',
      name: 'Report a pothole',
      slaWorkingDays: 10,
      advisorScript: 'Ask how deep the pothole is.',
      questions: [
        { code: 'where', label: 'Where is the pothole?', kind: 'location' },
        { code: 'deep', label: 'Is it deeper than a brick?', kind: 'yes_no' },
      ],
    });
    await db.transaction().execute((trx) =>
      saveProperties(trx, councilId, [
        {
          uprn: 100071111111,
          line1: '8 Castle Street',
          town: 'Oswestry',
          postcode: 'SY11 1JZ',
          latitude: 52.86,
          longitude: -3.05,
          ward: 'Oswestry Central',
        },
      ]),
    );
    const created = await server.services.customers.create(
      systemActor('test'),
      { kind: 'person', givenName: 'Gareth', familyName: 'Pryce', email: 'gareth@example.org', address: {} },
      { confirmedNew: true, councilId },
    );
    if (!created.created) throw new Error('no customer');
    customerId = created.customer.id;
    advisor = await aStaffMember(db, { roles: ['advisor'], name: 'Alys Advisor' });
    officer = await aStaffMember(db, { roles: ['officer'], name: 'Owain Officer' });
    await db.insertInto('team_members').values({ team_id: teamId, user_id: officer.id }).execute();
  });
  after(() => server.close());

  it('lets an advisor raise a case from a customer’s record without JavaScript', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url, { javaScript: false });
    const { page } = checked;
    await signInAs(checked, advisor);
    await checked.goto(`/staff/customers/${customerId}`);
    await checked.navigate(() => page.getByRole('button', { name: 'Raise a case' }).click());
    assert.equal(await heading(page), 'Raise a case');
    await page.getByLabel('Service').selectOption({ label: 'Report a pothole – Street Scene' });
    await checked.navigate(() => page.getByRole('button', { name: 'Continue' }).click());
    assert.match(await page.locator('#advisor-script').innerText(), /Ask how deep the pothole is\./);

    await page.getByLabel('Postcode').fill('SY11 1JZ');
    await checked.navigate(() => page.getByRole('button', { name: 'Find address' }).click());
    await page.getByLabel('Address').selectOption({ label: '8 Castle Street, Oswestry, SY11 1JZ' });
    await page.getByLabel('What the customer told you').fill('A deep pothole outside number 8');
    await checked.navigate(() => page.getByRole('button', { name: 'Raise case' }).click());

    // The yes/no question was missed: the summary says so and leads to it.
    assert.match(await page.title(), /^Error: /);
    assert.deepEqual(await page.locator('.govuk-error-summary__list a').allInnerTexts(), ['Answer this question']);
    await page.getByRole('group', { name: 'Is it deeper than a brick?' }).getByLabel('Yes').check();
    await checked.navigate(() => page.getByRole('button', { name: 'Raise case' }).click());

    reference = (await heading(page)).replace('Case ', '');
    assert.match(reference, /^ODR-\w{4}-\w{4}$/);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Case raised/);
    assert.match(await page.locator('#summary').innerText(), /Gareth Pryce/);
    assert.match(await page.locator('#answers').innerText(), /Is it deeper than a brick\?\s+Yes/);
    await checked.done();
  });

  it('lets an officer of the owning team take, note, resolve and attach to the case', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAs(checked, officer);
    await checked.goto(`/staff/cases/${reference}`);
    await checked.navigate(() => page.getByRole('button', { name: 'Take this case' }).click());
    assert.match(await page.locator('#summary').innerText(), /Assigned to\s+Owain Officer/);

    await page.getByLabel('Update', { exact: true }).fill('Inspector to visit on Monday');
    await checked.navigate(() => page.getByRole('button', { name: 'Save update' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Internal note added/);

    await page.getByLabel('Update', { exact: true }).fill('We have filled the pothole.');
    await page.getByLabel('Public update').check();
    await page.getByLabel('Status').selectOption({ label: 'Resolved' });
    await checked.navigate(() => page.getByRole('button', { name: 'Save update' }).click());
    const timeline = await page.locator('.moj-timeline').innerText();
    assert.match(timeline, /Status changed to Resolved[\s\S]*We have filled the pothole\./);
    assert.match(timeline, /Internal note\s*Internal[\s\S]*Inspector to visit on Monday/);

    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-photo-'));
    const photo = path.join(folder, 'filled.png');
    fs.writeFileSync(photo, aPng());
    await page.getByLabel('Add a file').setInputFiles(photo);
    await checked.navigate(() => page.getByRole('button', { name: 'Upload' }).click());
    assert.match(await page.locator('#attachments + ul').innerText(), /filled\.png/);
    fs.rmSync(folder, { recursive: true, force: true });
    await checked.done();
  });
});
