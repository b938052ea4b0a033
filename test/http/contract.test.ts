// The routes CONTRACT.md promises, checked from outside over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, ADMIN, type TestServer } from '../support/server.ts';

describe('the routes in CONTRACT.md', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers /healthz and /readyz with 200', async () => {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { database: true, migrations: true } });
  });

  it('serves the resident portal at /', async () => {
    const home = await server.client().get('/');
    assert.equal(home.status, 200);
    assert.match(home.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(home.dom.querySelector('html')?.getAttribute('lang'), 'en');
    assert.ok(home.dom.querySelector('a[href="/accessibility"]'), 'the footer links to the accessibility statement');
  });

  it('sends /staff to /staff/sign-in when signed out', async () => {
    const staff = await server.client().get('/staff');
    assert.equal(staff.status, 303);
    assert.match(staff.location ?? '', /^\/staff\/sign-in/);
  });

  it('offers a sign-in form with "Email address", "Password" and a "Sign in" button', async () => {
    const page = await server.client().get('/staff/sign-in');
    assert.equal(page.status, 200);
    const labels = page.dom.querySelectorAll('label').map((label) => label.text.trim());
    assert.ok(labels.includes('Email address'));
    assert.ok(labels.includes('Password'));
    assert.ok(page.dom.querySelectorAll('button').some((button) => button.text.trim() === 'Sign in'));
  });

  it('lets the administrator from ONEDOOR_ADMIN_EMAIL sign in, and offers "Sign out" once signed in', async () => {
    const client = server.client();
    const signedIn = await client.signIn(ADMIN.email, ADMIN.password);
    assert.equal(signedIn.status, 303);
    const home = await client.follow(signedIn);
    assert.equal(home.status, 200);
    assert.ok(home.dom.querySelectorAll('a, button').some((element) => element.text.trim() === 'Sign out'));
  });

  it('serves Prometheus metrics to this machine', async () => {
    const metrics = await fetch(`${server.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /process_cpu_seconds_total/);
  });

  it('answers an unknown page with a GOV.UK-style 404', async () => {
    const page = await server.client().get('/no-such-page');
    assert.equal(page.status, 404);
    assert.equal(page.heading, 'Page not found');
  });
});
