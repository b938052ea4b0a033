// Open311 GeoReport v2 with mySociety's extensions, from outside over real HTTP as FixMyStreet
// calls it: the catalogue, a service's definition, requests posted form-encoded and with a photo
// (each an ordinary case, seen by staff and tracked by the resident), the requests and updates
// read back, updates posted (a reopening, and a resend recorded once), and every refusal in the
// spec's error format with nothing written. Shapes are checked against the spec's own schemas.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { referenceDataDir } from '../../src/demo/gazetteer.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { Scope } from '../../src/platform/apiKeys/scopes.ts';
import { aStaffMember } from '../support/builders.ts';
import { aPng } from '../support/files.ts';
import { anOpen311Catalogue } from '../support/open311.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const SPEC_FILE = path.join(referenceDataDir(), 'open311_mysociety_openapi.json');
const spec = fs.existsSync(SPEC_FILE)
  ? (JSON.parse(fs.readFileSync(SPEC_FILE, 'utf8')) as {
      components: { schemas: Record<string, { required?: string[]; properties: Record<string, SchemaProperty> }> };
    })
  : undefined;

interface SchemaProperty {
  type?: string;
  format?: string;
  enum?: string[];
  items?: { $ref?: string; type?: string };
}

const UPLOAD_MAX_BYTES = 64 * 1024;

/** The list elements of the spec's XML, always parsed as arrays (one item or many). */
const LISTS = new Set([
  'services.service',
  'services.service.groups.group',
  'service_definition.attributes.attribute',
  'service_definition.attributes.attribute.values.value',
  'service_requests.request',
  'service_request_updates.request_update',
  'errors.error',
  'discovery.endpoints.endpoint',
  'discovery.endpoints.endpoint.formats.format',
]);
const xmlParser = new XMLParser({ parseTagValue: false, isArray: (_name, jpath) => LISTS.has(String(jpath)) });

type Item = Record<string, unknown>;

/**
 * Checks an item against the spec's schema: its required fields there, each field the spec
 * describes of the spec's type (XML carries every value as text: a number must read as one, a
 * boolean as true or false) and within its enum. Fields the spec leaves out (extensions) are not judged.
 */
function assertConforms(item: Item, schemaName: string, format: 'xml' | 'json'): void {
  if (!spec) return;
  const schema = spec.components.schemas[schemaName]!;
  for (const field of schema.required ?? [])
    assert.ok(item[field] !== undefined && item[field] !== '', `${schemaName} needs ${field}: ${JSON.stringify(item)}`);
  for (const [field, value] of Object.entries(item)) {
    const property = schema.properties[field];
    if (!property || value === null || value === '') continue;
    const where = `${schemaName}.${field} = ${JSON.stringify(value)}`;
    switch (property.type) {
      case 'string':
        assert.equal(typeof value, 'string', where);
        if (property.enum) assert.ok(property.enum.includes(value as string), where);
        if (property.format === 'date-time') assert.ok(!Number.isNaN(Date.parse(value as string)), where);
        break;
      case 'number':
      case 'integer':
        if (format === 'xml') assert.ok(Number.isFinite(Number(value)), where);
        else assert.equal(typeof value, 'number', where);
        if (property.type === 'integer') assert.ok(Number.isInteger(Number(value)), where);
        break;
      case 'boolean':
        if (format === 'xml') assert.ok(value === 'true' || value === 'false', where);
        else assert.equal(typeof value, 'boolean', where);
        break;
      case 'array': {
        // XML wraps a list: <groups><group>…</group></groups>.
        const items = format === 'xml' ? Object.values(value as Item)[0] : value;
        assert.ok(Array.isArray(items), where);
        const ref = property.items?.$ref?.split('/').pop();
        if (ref) for (const entry of items as Item[]) assertConforms(entry, ref, format);
        else for (const entry of items as unknown[]) assert.equal(typeof entry, property.items?.type ?? 'string', where);
        break;
      }
    }
  }
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** JSON parsed, or XML parsed with its lists as arrays. */
  body: unknown;
}

describe('Open311 GeoReport v2', () => {
  let server: TestServer;
  let councilId: string;
  let uprn: number;
  let staffOnly: string;
  let key: string;
  let revokedKey: string;
  let readOnlyKey: string;
  let officer: { email: string; password: string };

  const makeKey = async (scopes: Scope[]) =>
    await server.services.apiKeys.create(systemActor('test'), {
      organisationId: councilId,
      name: `FixMyStreet ${scopes.join(' ')}`,
      scopes,
    });

  async function open311(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body?: URLSearchParams | FormData | string,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await fetch(`${server.url}/open311/v2/${pathAndQuery}`, { method, body, headers });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown;
    if (contentType.startsWith('application/json')) parsed = JSON.parse(text);
    else if (contentType.startsWith('text/xml')) parsed = xmlParser.parse(text);
    return { status: response.status, contentType, text, body: parsed };
  }

  const form = (fields: Record<string, string>) => new URLSearchParams(fields);

  /** The spec's error answer, in the format asked, with this status; its description. */
  function assertError(answer: Answer, status: number, format: 'xml' | 'json'): string {
    assert.equal(answer.status, status, answer.text);
    assert.doesNotMatch(answer.text, /at .*\.ts:\d+|stack/i);
    if (format === 'json') {
      assert.match(answer.contentType, /^application\/json/);
      const errors = answer.body as { code: number; description: string }[];
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.code, status);
      assert.ok(errors[0]!.description.length > 0);
      return errors[0]!.description;
    }
    assert.match(answer.contentType, /^text\/xml; charset=utf-8/);
    const errors = (answer.body as { errors: { error: { code: string; description: string }[] } }).errors.error;
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, String(status));
    return errors[0]!.description;
  }

  /** The updates an app posted under its own update id (recorded once, however often it is sent). */
  const postedUpdates = async (externalUpdateId: string) =>
    Number(
      (
        await server.db
          .selectFrom('open311_updates')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('external_update_id', '=', externalUpdateId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  const caseCount = async () =>
    Number(
      (
        await server.db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Files in the store (not its temporary folder). */
  function storedFiles(): number {
    const root = server.config.filesDir;
    if (!fs.existsSync(root)) return 0;
    return fs
      .readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && path.relative(root, entry.parentPath).split(path.sep)[0] !== 'tmp').length;
  }

  const aReport = (extra: Record<string, string> = {}) =>
    form({
      api_key: key,
      jurisdiction_id: 'oswestry.example',
      service_code: 'fly-tipping',
      lat: '52.8604',
      long: '-3.0537',
      description: 'Black bags dumped by the bench',
      'attribute[what]': 'bags',
      email: 'sian.evans@example.org',
      first_name: 'Siân',
      last_name: 'Evans',
      ...extra,
    });

  async function raise(extra: Record<string, string> = {}): Promise<string> {
    const answer = await open311('POST', 'requests.json', aReport(extra));
    assert.equal(answer.status, 200, answer.text);
    return (answer.body as { service_request_id: string }[])[0]!.service_request_id;
  }

  before(async () => {
    server = await startTestServer({ env: { UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES) } });
    ({ councilId, uprn, staffOnlyCode: staffOnly } = await anOpen311Catalogue(server.db));
    key = (await makeKey(['open311:write'])).key;
    const revoked = await makeKey(['open311:write']);
    await server.services.apiKeys.revoke(systemActor('test'), revoked.id);
    revokedKey = revoked.key;
    readOnlyKey = (await makeKey(['cases:read'])).key;
    officer = await aStaffMember(server.db, { roles: ['officer'] });
  });
  after(() => server.close());

  it(
    'reads the mySociety Open311 spec its answers are checked against',
    { skip: spec ? false : `${SPEC_FILE} is not on this machine` },
    () => {
      assert.ok(spec!.components.schemas.Service && spec!.components.schemas.Request && spec!.components.schemas.Update);
    },
  );

  it('describes itself at discovery, in XML and JSON', async () => {
    const json = await open311('GET', 'discovery.json');
    assert.equal(json.status, 200);
    const discovery = json.body as { endpoints: { url: string; formats: string[]; specification: string }[] };
    assert.match(discovery.endpoints[0]!.url, /\/open311\/v2$/);
    assert.deepEqual(discovery.endpoints[0]!.formats, ['text/xml', 'application/json']);
    const xml = await open311('GET', 'discovery.xml');
    assert.equal(xml.status, 200);
    assert.match(xml.contentType, /^text\/xml; charset=utf-8$/);
    const endpoint = (xml.body as { discovery: { endpoints: { endpoint: { formats: { format: string[] } }[] } } }).discovery
      .endpoints.endpoint[0]!;
    assert.deepEqual(endpoint.formats.format, ['text/xml', 'application/json']);
  });

  it('lists the council’s public services with their groups, in XML and JSON, and never a staff-only one', async () => {
    const xml = await open311('GET', 'services.xml');
    assert.equal(xml.status, 200, xml.text);
    const services = (xml.body as { services: { service: Item[] } }).services.service;
    assert.deepEqual(services.map((service) => service.service_code).sort(), ['fly-tipping', 'graffiti']);
    for (const service of services) assertConforms(service, 'Service', 'xml');
    const flyTipping = services.find((service) => service.service_code === 'fly-tipping')!;
    assert.equal(flyTipping.service_name, 'Report fly-tipping');
    assert.equal(flyTipping.type, 'realtime');
    assert.equal(flyTipping.group, 'Street Scene');
    assert.deepEqual(flyTipping.groups, { group: ['Street Scene'] });

    const json = await open311('GET', 'services.json');
    assert.match(json.contentType, /^application\/json/);
    const listed = json.body as Item[];
    for (const service of listed) assertConforms(service, 'Service', 'json');
    assert.deepEqual(listed.find((service) => service.service_code === 'fly-tipping')!.groups, ['Street Scene']);
    assert.equal(listed.find((service) => service.service_code === 'fly-tipping')!.metadata, true);
  });

  it('defines a service by its form: datatypes, required, order, choices, and what OneDoor or the app sets', async () => {
    const xml = await open311('GET', 'services/fly-tipping.xml');
    assert.equal(xml.status, 200, xml.text);
    const definition = (xml.body as { service_definition: Item }).service_definition;
    assertConforms(definition, 'ServiceDefinition', 'xml');
    const attributes = (definition.attributes as { attribute: Item[] }).attribute;
    assert.deepEqual(
      attributes.map((attribute) => [attribute.code, attribute.datatype, attribute.required, attribute.order]),
      [
        ['what', 'singlevaluelist', 'true', '1'],
        ['where', 'string', 'false', '2'],
        ['uprn', 'string', 'false', '3'],
        ['fixmystreet_id', 'string', 'false', '4'],
      ],
    );
    assert.deepEqual((attributes[0]!.values as { value: Item[] }).value, [
      { key: 'bags', name: 'Bags' },
      { key: 'asbestos', name: 'Asbestos' },
    ]);
    assert.equal(attributes[1]!.automated, 'server_set');
    assert.equal(attributes[2]!.automated, 'hidden_field');
    assert.equal(attributes[2]!.protected, 'true');

    const json = await open311('GET', 'services/fly-tipping.json');
    const jsonDefinition = json.body as { service_code: string; attributes: Item[] };
    assertConforms(jsonDefinition, 'ServiceDefinition', 'json');
    assert.equal(jsonDefinition.attributes[0]!.required, true);
    assert.equal(jsonDefinition.attributes[0]!.order, 1);
  });

  it('answers 404 in the spec’s error format for a service it does not offer, or a path it does not know', async () => {
    assert.match(assertError(await open311('GET', 'services/no-such-service.xml'), 404, 'xml'), /no-such-service/);
    assertError(await open311('GET', `services/${staffOnly}.json`), 404, 'json');
    assertError(await open311('GET', 'nothing-here.json'), 404, 'json');
    assertError(await open311('GET', 'services.html'), 404, 'xml');
  });

  it('raises an ordinary case from a form-encoded request: routed, timed, the reporter recorded, and the app’s ids kept', async () => {
    const before = await caseCount();
    const answer = await open311(
      'POST',
      'requests.json',
      aReport({ 'attribute[fixmystreet_id]': '9001', 'attribute[title]': 'Bags' }),
    );
    assert.equal(answer.status, 200, answer.text);
    const [created] = answer.body as Item[];
    assertConforms(created!, 'RequestResponse', 'json');
    const reference = created!.service_request_id as string;
    assert.match(reference, /^ODR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.equal(created!.service_notice, 'We aim to deal with this within 5 working days.');
    assert.equal(await caseCount(), before + 1);

    const row = await server.db
      .selectFrom('cases as c')
      .innerJoin('teams as t', 't.id', 'c.team_id')
      .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
      .select([
        'c.id',
        'c.channel',
        'c.status',
        'c.due_at',
        'c.answers',
        'c.location_lat',
        't.name as team',
        'cu.given_name',
        'cu.id as customer',
        'c.created_by_api_key',
      ])
      .where('c.reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(row.channel, 'web');
    assert.equal(row.status, 'submitted');
    assert.equal(row.team, 'Street Scene');
    assert.equal(row.given_name, 'Siân');
    assert.equal(created!.account_id, row.customer);
    assert.ok(row.created_by_api_key);
    assert.deepEqual(row.answers, { what: 'bags', where: { lat: 52.8604, long: -3.0537 } });
    assert.ok(row.due_at.getTime() > Date.now() + 5 * 86_400_000);
    const kept = await server.db
      .selectFrom('open311_requests')
      .selectAll()
      .where('case_id', '=', row.id)
      .executeTakeFirstOrThrow();
    assert.equal(kept.fixmystreet_id, '9001');
    assert.equal(kept.jurisdiction_id, 'oswestry.example');
    assert.deepEqual(kept.attributes, { title: 'Bags' });
    const audit = await server.db.selectFrom('audit_events').select('action').where('record_id', '=', row.id).execute();
    assert.ok(audit.some((entry) => entry.action === 'case.create'));

    // FixMyStreet sends the same report again (a timeout, a retry): the same case, no second one.
    const again = await open311('POST', 'requests.xml', aReport({ 'attribute[fixmystreet_id]': '9001' }));
    assert.equal(again.status, 200, again.text);
    const request = (again.body as { service_requests: { request: Item[] } }).service_requests.request[0]!;
    assertConforms(request, 'RequestResponse', 'xml');
    assert.equal(request.service_request_id, reference);
    assert.equal(await caseCount(), before + 1);
  });

  it('shows a case raised through Open311 to staff on its case page, and to the resident on their tracking page', async () => {
    const reference = await raise({ description: 'Mattress on the verge by the school' });
    const client = await server.signedIn(officer);
    const page = await client.get(`/staff/cases/${reference}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Mattress on the verge by the school/);
    const { tracking_token: token } = await server.db
      .selectFrom('cases')
      .select('tracking_token')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const tracking = await server.client().get(`/track/${token}`);
    assert.equal(tracking.status, 200);
    assert.match(tracking.heading, new RegExp(reference));
  });

  it('takes a multipart request with a photo, kept as the case’s attachment, located by its address_id', async () => {
    const before = { cases: await caseCount(), files: storedFiles() };
    const body = new FormData();
    body.append('api_key', key);
    body.append('service_code', 'fly-tipping');
    body.append('address_id', String(uprn));
    body.append('description', 'Fridge left on the pavement');
    body.append('attribute[what]', 'bags');
    body.append('media', new Blob([aPng()], { type: 'image/png' }), 'fridge.png');
    const answer = await open311('POST', 'requests.xml', body);
    assert.equal(answer.status, 200, answer.text);
    const reference = (answer.body as { service_requests: { request: Item[] } }).service_requests.request[0]!.service_request_id;
    assert.equal(await caseCount(), before.cases + 1);
    assert.equal(storedFiles(), before.files + 1);
    const attachment = await server.db
      .selectFrom('case_attachments as a')
      .innerJoin('cases as c', 'c.id', 'a.case_id')
      .select(['a.content_type', 'a.file_name', 'c.uprn'])
      .where('c.reference', '=', reference as string)
      .executeTakeFirstOrThrow();
    assert.equal(attachment.content_type, 'image/png');
    assert.equal(attachment.file_name, 'fridge.png');
    assert.equal(Number(attachment.uprn), uprn);

    const read = await open311('GET', `requests/${reference}.json?api_key=${key}`);
    const [request] = read.body as Item[];
    assertConforms(request!, 'Request', 'json');
    assert.equal(request!.address, '1 Bailey Head, Oswestry, SY11 1PZ');
    assert.equal(request!.address_id, String(uprn));
    assert.equal(request!.zipcode, 'SY11 1PZ');
  });

  describe('refuses, in the spec’s format, with nothing written', () => {
    async function refused(answer: Promise<Answer>, status: number, format: 'xml' | 'json', pattern?: RegExp): Promise<void> {
      const before = { cases: await caseCount(), files: storedFiles() };
      const description = assertError(await answer, status, format);
      if (pattern) assert.match(description, pattern);
      assert.equal(await caseCount(), before.cases, 'no case was raised');
      assert.equal(storedFiles(), before.files, 'no file was left in the store');
    }

    it('a body that is not a form (JSON: the wrong content type), and one that cannot be read', async () => {
      await refused(
        open311('POST', 'requests.json', JSON.stringify({ api_key: key, service_code: 'fly-tipping' }), {
          'content-type': 'application/json',
        }),
        400,
        'json',
        /Content-Type/,
      );
      await refused(open311('POST', 'requests.xml', '<request/>', { 'content-type': 'text/xml' }), 400, 'xml');
      await refused(
        open311('POST', 'requests.json', '--broken\r\nnot a part', { 'content-type': 'multipart/form-data; boundary=broken' }),
        400,
        'json',
      );
    });

    it('an unknown service (404), a missing location, and coordinates that are not on the globe (400)', async () => {
      await refused(open311('POST', 'requests.json', aReport({ service_code: 'no-such-service' })), 404, 'json');
      const noLocation = aReport();
      noLocation.delete('lat');
      noLocation.delete('long');
      await refused(open311('POST', 'requests.xml', noLocation), 400, 'xml', /location is required/);
      await refused(open311('POST', 'requests.json', aReport({ lat: '200' })), 400, 'json', /lat/);
      await refused(open311('POST', 'requests.json', aReport({ long: 'west' })), 400, 'json', /long/);
      const onlyLat = aReport();
      onlyLat.delete('long');
      await refused(open311('POST', 'requests.json', onlyLat), 400, 'json', /together/);
      const unknownProperty = aReport({ address_id: '999999999' });
      unknownProperty.delete('lat');
      unknownProperty.delete('long');
      await refused(open311('POST', 'requests.json', unknownProperty), 400, 'json', /gazetteer/);
      await refused(open311('POST', 'requests.json', aReport({ 'attribute[what]': 'sofas' })), 400, 'json', /attribute\[what\]/);
    });

    it('a key that is missing, wrong, revoked, or not given open311:write (403)', async () => {
      const noKey = aReport();
      noKey.delete('api_key');
      await refused(open311('POST', 'requests.json', noKey), 403, 'json');
      await refused(open311('POST', 'requests.json', aReport({ api_key: 'odk_aaaaaaaa_' + 'x'.repeat(43) })), 403, 'json');
      await refused(open311('POST', 'requests.xml', aReport({ api_key: revokedKey })), 403, 'xml', /revoked/);
      await refused(open311('POST', 'requests.json', aReport({ api_key: readOnlyKey })), 403, 'json', /open311:write/);
      assertError(await open311('GET', `requests.json?api_key=${revokedKey}`), 403, 'json');
    });

    it('a photo over the size limit (413), and a photo whose request is refused is not kept', async () => {
      /** A fly-tipping report as a multipart form, with a photo last (order matters: the fields come first). */
      const withPhoto = (fields: Record<string, string>, photo: Blob, fileName: string) => {
        const body = new FormData();
        const report = { api_key: key, service_code: 'fly-tipping', lat: '52.86', long: '-3.05', ...fields };
        for (const [name, value] of Object.entries(report)) body.append(name, value);
        body.append('media', photo, fileName);
        return body;
      };
      const big = withPhoto(
        { description: 'Too big a photo', 'attribute[what]': 'bags' },
        new Blob([aPng(), Buffer.alloc(UPLOAD_MAX_BYTES)]),
        'big.png',
      );
      await refused(open311('POST', 'requests.json', big), 413, 'json', /smaller than/);

      const unanswered = withPhoto({ description: 'The answer to what is missing' }, new Blob([aPng()]), 'photo.png');
      await refused(open311('POST', 'requests.xml', unanswered), 400, 'xml', /attribute\[what\]/);
    });
  });

  it('lists requests by id, service, status and dates, and refuses a status or date it cannot read', async () => {
    const first = await raise({ description: 'First of the list' });
    const graffiti = await raise({ service_code: 'graffiti', description: 'Tag on the bus shelter' });
    await server.services.cases.addUpdate(systemActor('test'), first, {
      text: 'Cleared',
      visibility: 'public',
      status: 'resolved',
    });

    const byId = await open311('GET', `requests.xml?api_key=${key}&service_request_id=${first},${graffiti}`);
    assert.equal(byId.status, 200, byId.text);
    const requests = (byId.body as { service_requests: { request: Item[] } }).service_requests.request;
    assert.deepEqual(requests.map((request) => request.service_request_id).sort(), [first, graffiti].sort());
    for (const request of requests) assertConforms(request, 'Request', 'xml');
    assert.equal(requests.find((request) => request.service_request_id === first)!.status, 'fixed');

    const ids = async (query: string) => {
      const answer = await open311('GET', `requests.json?api_key=${key}&${query}`);
      assert.equal(answer.status, 200, answer.text);
      for (const request of answer.body as Item[]) assertConforms(request, 'Request', 'json');
      return (answer.body as Item[]).map((request) => request.service_request_id as string);
    };
    const graffitiOnly = await ids('service_code=graffiti');
    assert.deepEqual(graffitiOnly, [graffiti]);
    assert.ok((await ids('status=closed')).includes(first));
    assert.ok(!(await ids('status=open')).includes(first));
    assert.ok((await ids('status=open')).includes(graffiti));
    const closed = await raise({ description: 'Cleared and closed' });
    for (const status of ['resolved', 'closed'] as const)
      await server.services.cases.addUpdate(systemActor('test'), closed, { text: status, visibility: 'public', status });
    assert.deepEqual(await ids('status=duplicate'), [], 'no case is a duplicate in Open311’s words, not even a closed one');
    assert.deepEqual(await ids(`service_code=${staffOnly},no-such-service`), []);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    assert.ok((await ids(`start_date=${hourAgo}`)).includes(graffiti));
    assert.deepEqual(await ids(`end_date=${hourAgo}`), []);

    assertError(await open311('GET', `requests.json?api_key=${key}&status=shut`), 400, 'json');
    assertError(await open311('GET', `requests.xml?api_key=${key}&start_date=yesterday`), 400, 'xml');
    assertError(
      await open311('GET', `requests.json?api_key=${key}&start_date=2020-01-01T00:00:00Z&end_date=2020-12-31T00:00:00Z`),
      400,
      'json',
    );
    assertError(await open311('GET', `requests/ODR-0000-0000.json?api_key=${key}`), 404, 'json');
    assertError(await open311('GET', `requests.json`), 403, 'json');
  });

  it('gives the app’s own attributes back with extensions=true', async () => {
    const reference = await raise({ 'attribute[fixmystreet_id]': '9002', 'attribute[easting]': '329000' });
    const answer = await open311('GET', `requests/${reference}.json?api_key=${key}&extensions=true`);
    const [request] = answer.body as Item[];
    assert.deepEqual(request!.extended_attributes, {
      external_status_code: 'submitted',
      easting: '329000',
      fixmystreet_id: '9002',
    });
    const xml = await open311('GET', `requests/${reference}.xml?api_key=${key}&extensions=true`);
    const fromXml = (xml.body as { service_requests: { request: Item[] } }).service_requests.request[0]!;
    assert.equal((fromXml.extended_attributes as Item).fixmystreet_id, '9002');
  });

  it('takes a request located only by the address the app wrote, and gives that address back', async () => {
    const onlyAddress = aReport({ address_string: 'Outside the library, Arthur Street, Oswestry' });
    onlyAddress.delete('lat');
    onlyAddress.delete('long');
    // Fly-tipping asks where on the map: an address in words is not enough for it.
    assert.match(assertError(await open311('POST', 'requests.json', onlyAddress), 400, 'json'), /needs a place/);
    onlyAddress.set('service_code', 'graffiti');
    onlyAddress.delete('attribute[what]');
    const answer = await open311('POST', 'requests.json', onlyAddress);
    assert.equal(answer.status, 200, answer.text);
    const reference = (answer.body as Item[])[0]!.service_request_id;
    const [request] = (await open311('GET', `requests/${reference}.json?api_key=${key}`)).body as Item[];
    assertConforms(request!, 'Request', 'json');
    assert.equal(request!.address, 'Outside the library, Arthur Street, Oswestry');
    assert.equal(request!.lat, null);
  });

  it('refuses a reporter it cannot record, naming the parameter', async () => {
    const before = await caseCount();
    assert.match(
      assertError(await open311('POST', 'requests.json', aReport({ email: 'not an address' })), 400, 'json'),
      /^email: /,
    );
    assert.match(
      assertError(await open311('POST', 'requests.json', aReport({ first_name: '', last_name: 'Cher' })), 400, 'json'),
      /first_name and last_name/,
    );
    assert.equal(await caseCount(), before);
  });

  it('resolves a token to its request (requests are made at once, so the token is the id)', async () => {
    const reference = await raise();
    const answer = await open311('GET', `tokens/${reference}.json?api_key=${key}`);
    assert.equal(answer.status, 200, answer.text);
    const [token] = answer.body as Item[];
    assertConforms(token!, 'TokenResponse', 'json');
    assert.equal(token!.service_request_id, reference);
    assertError(await open311('GET', `tokens/ODR-0000-0000.xml?api_key=${key}`), 404, 'xml');
  });

  describe('mySociety’s service request updates', () => {
    it('gives the council’s public updates and status changes in the window, never an internal note', async () => {
      const start = new Date(Date.now() - 1000).toISOString();
      const reference = await raise({ description: 'Bags by the allotments' });
      const actor = systemActor('test');
      await server.services.cases.addUpdate(actor, reference, {
        text: 'Crew booked',
        visibility: 'public',
        status: 'in_progress',
      });
      await server.services.cases.addUpdate(actor, reference, { text: 'Neighbour dispute', visibility: 'internal' });
      await server.services.cases.addUpdate(actor, reference, { text: 'Collected', visibility: 'public', status: 'resolved' });
      // A case of a service Open311 does not offer: its updates are not Open311's to give.
      const staffCase = await server.services.cases.raise(
        actor,
        {
          serviceCode: staffOnly,
          description: 'Pothole reported by a crew',
          channel: 'phone',
          answers: { where: { lat: 52.8604, long: -3.0537 } },
        },
        { council: councilId },
      );
      await server.services.cases.addUpdate(actor, staffCase.reference, {
        text: 'Filled',
        visibility: 'public',
        status: 'resolved',
      });
      const end = new Date(Date.now() + 1000).toISOString();

      const xml = await open311('GET', `servicerequestupdates.xml?api_key=${key}&start_date=${start}&end_date=${end}`);
      assert.equal(xml.status, 200, xml.text);
      const updates = (
        xml.body as { service_request_updates: { request_update: Item[] } }
      ).service_request_updates.request_update.filter((update) => update.service_request_id === reference);
      for (const update of updates) assertConforms(update, 'Update', 'xml');
      assert.deepEqual(
        updates.map((update) => [update.status, update.external_status_code, update.description]),
        [
          ['IN_PROGRESS', 'in_progress', 'Crew booked'],
          ['FIXED', 'resolved', 'Collected'],
        ],
      );
      assert.notEqual(updates[0]!.update_id, updates[1]!.update_id);

      const json = await open311('GET', `servicerequestupdates.json?api_key=${key}&start_date=${start}&end_date=${end}`);
      const fromJson = (json.body as Item[]).filter((update) => update.service_request_id === reference);
      for (const update of fromJson) assertConforms(update, 'Update', 'json');
      assert.equal(fromJson.length, 2);
      assert.deepEqual(
        (json.body as Item[]).filter((update) => update.service_request_id === staffCase.reference),
        [],
        'nothing from a case of a staff-only service',
      );
      const later = await open311(
        'GET',
        `servicerequestupdates.json?api_key=${key}&start_date=${end}&end_date=${new Date(Date.now() + 60_000).toISOString()}`,
      );
      assert.deepEqual(later.body, []);
      assertError(await open311('GET', `servicerequestupdates.json?api_key=${key}&start_date=soon`), 400, 'json');
    });

    it('reopens a closed case on REOPEN, records a resend once, and does not send the app its own update back', async () => {
      const reference = await raise({ description: 'Rubble by the gate' });
      const actor = systemActor('test');
      await server.services.cases.addUpdate(actor, reference, { text: 'Cleared', visibility: 'public', status: 'resolved' });
      await server.services.cases.addUpdate(actor, reference, { text: 'Closing', visibility: 'public', status: 'closed' });
      const start = new Date().toISOString();
      const reopen = form({
        api_key: key,
        service_request_id: reference,
        update_id: '777',
        status: 'REOPEN',
        description: 'It is back again',
        updated_datetime: new Date().toISOString(),
        first_name: 'Siân',
        last_name: 'Evans',
        email: 'sian.evans@example.org',
      });
      const events = async () =>
        Number(
          (
            await server.db
              .selectFrom('case_events as e')
              .innerJoin('cases as c', 'c.id', 'e.case_id')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('c.reference', '=', reference)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const answer = await open311('POST', 'servicerequestupdates.xml', reopen);
      assert.equal(answer.status, 200, answer.text);
      const posted = (answer.body as { service_request_updates: { request_update: Item[] } }).service_request_updates
        .request_update[0]!;
      assertConforms(posted, 'UpdateResponse', 'xml');
      const status = async () =>
        (await server.db.selectFrom('cases').select('status').where('reference', '=', reference).executeTakeFirstOrThrow())
          .status;
      assert.equal(await status(), 'in_progress');
      const count = await events();

      const again = await open311('POST', 'servicerequestupdates.json', reopen);
      assert.equal(again.status, 200, again.text);
      assert.equal((again.body as Item[])[0]!.update_id, posted.update_id);
      assert.equal(await events(), count, 'the resend added nothing');
      assert.equal(await postedUpdates('777'), 1);

      // An update that does not reopen is a note for the officers, and changes nothing.
      const note = await open311(
        'POST',
        'servicerequestupdates.json',
        form({
          api_key: key,
          service_request_id: reference,
          update_id: '778',
          status: 'OPEN',
          description: 'Still there this morning',
          updated_datetime: new Date().toISOString(),
          first_name: 'Siân',
          last_name: 'Evans',
        }),
      );
      assert.equal(note.status, 200, note.text);
      assert.equal(await status(), 'in_progress');
      const latest = await server.db
        .selectFrom('case_events as e')
        .innerJoin('cases as c', 'c.id', 'e.case_id')
        .select(['e.kind', 'e.visibility', 'e.body'])
        .where('c.reference', '=', reference)
        .orderBy('e.id', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual(latest, { kind: 'internal_note', visibility: 'internal', body: 'Siân Evans: Still there this morning' });

      const updates = await open311('GET', `servicerequestupdates.json?api_key=${key}&start_date=${start}`);
      assert.deepEqual(
        (updates.body as Item[]).filter((update) => update.service_request_id === reference),
        [],
        'the app’s own reopening is not sent back to it',
      );
    });

    it('refuses an update without its id or with an unknown status (400), on an unknown request (404), without a key (403)', async () => {
      const reference = await raise();
      const update = (fields: Record<string, string>) =>
        form({
          api_key: key,
          service_request_id: reference,
          update_id: '900',
          status: 'OPEN',
          description: 'More bags',
          updated_datetime: new Date().toISOString(),
          ...fields,
        });
      const withoutId = update({});
      withoutId.delete('update_id');
      assertError(await open311('POST', 'servicerequestupdates.json', withoutId), 400, 'json');
      assertError(await open311('POST', 'servicerequestupdates.json', update({ status: 'SHUT' })), 400, 'json');
      assertError(await open311('POST', 'servicerequestupdates.xml', update({ updated_datetime: 'now' })), 400, 'xml');
      assertError(
        await open311('POST', 'servicerequestupdates.json', update({ service_request_id: 'ODR-0000-0000' })),
        404,
        'json',
      );
      assertError(await open311('POST', 'servicerequestupdates.json', update({ api_key: revokedKey })), 403, 'json');
      assert.equal(await postedUpdates('900'), 0);
    });
  });
});
