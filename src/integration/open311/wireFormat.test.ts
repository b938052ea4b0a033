import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { errorBody, isFormat, xmlDocument, xmlList } from './wireFormat.ts';

const parse = (xml: string) => new XMLParser({ parseTagValue: false }).parse(xml) as Record<string, unknown>;

describe('Open311 wire formats', () => {
  it('writes a list in its wrapping element, with lists inside items wrapped too', () => {
    const xml = xmlList('services', [
      { service_code: 'potholes', metadata: true, groups: ['Highways', 'Roads'] },
      { service_code: 'fly-tipping', metadata: false, groups: ['Waste'] },
    ]);
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<services><service>'));
    assert.match(xml, /<groups><group>Highways<\/group><group>Roads<\/group><\/groups>/);
    const parsed = parse(xml) as { services: { service: { service_code: string; metadata: string }[] } };
    assert.equal(parsed.services.service.length, 2);
    assert.equal(parsed.services.service[0]!.metadata, 'true');
  });

  it('escapes what a person typed, so it is text and never markup', () => {
    const xml = xmlDocument('request', { description: '<b>bins</b> & "bags" <!-- x -->' });
    assert.doesNotMatch(xml, /<b>/);
    assert.equal((parse(xml) as { request: { description: string } }).request.description, '<b>bins</b> & "bags" <!-- x -->');
  });

  it('writes a missing value as an empty element, and nested attribute values as <values><value>', () => {
    const xml = xmlDocument('service_definition', {
      service_code: 'bins',
      attributes: [{ code: 'what', values: [{ key: 'bags', name: 'Bags' }] }],
      note: null,
    });
    assert.match(xml, /<note><\/note>/);
    assert.match(
      xml,
      /<attributes><attribute><code>what<\/code><values><value><key>bags<\/key><name>Bags<\/name><\/value><\/values><\/attribute><\/attributes>/,
    );
  });

  it('writes errors as the spec does, in both formats', () => {
    assert.deepEqual(JSON.parse(errorBody('json', [{ code: 400, description: 'lat is not a number' }])), [
      { code: 400, description: 'lat is not a number' },
    ]);
    assert.deepEqual(parse(errorBody('xml', [{ code: 404, description: 'no such service' }])), {
      '?xml': '',
      errors: { error: { code: '404', description: 'no such service' } },
    });
  });

  it('knows its two formats', () => {
    assert.ok(isFormat('xml') && isFormat('json'));
    assert.ok(!isFormat('html'));
  });
});
