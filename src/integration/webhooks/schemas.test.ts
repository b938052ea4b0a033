// The new subscription's form: every problem listed at once, in the form's order, one per field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSubscriptionForm } from './schemas.ts';

const ORGANISATION = '6f1c2b4e-8a3d-4c5e-9f10-1a2b3c4d5e6f';

describe('the new webhook form', () => {
  it('reads a complete form', () => {
    const form = parseSubscriptionForm({
      name: 'Waste system',
      url: 'https://waste.example.gov.uk/hook',
      organisationId: ORGANISATION,
      eventTypes: ['case.created'],
    });
    assert.equal(form.ok, true);
  });

  it('lists the address rule’s problem with the form’s own, in the order of the form', () => {
    const form = parseSubscriptionForm({ name: '', url: 'http://waste.example.gov.uk/hook', organisationId: ORGANISATION });
    assert.equal(form.ok, false);
    assert.deepEqual(!form.ok && form.errors.map((error) => [error.field, error.message]), [
      ['name', 'webhooks.errors.nameMissing'],
      ['url', 'webhooks.errors.urlNotHttps'],
      ['eventTypes', 'webhooks.errors.eventTypesMissing'],
    ]);
    assert.equal(!form.ok && form.values.url, 'http://waste.example.gov.uk/hook', 'what was typed is kept');
  });

  it('says what is wrong with the address once, even when the form and the rule both see it', () => {
    const form = parseSubscriptionForm({
      name: 'Waste system',
      url: `https://waste.example.gov.uk/${'a'.repeat(2000)}`,
      organisationId: ORGANISATION,
      eventTypes: ['case.created'],
    });
    assert.deepEqual(!form.ok && form.errors.map((error) => [error.field, error.message]), [
      ['url', 'webhooks.errors.urlTooLong'],
    ]);
  });

  it('refuses an address the rule refuses even when the form is otherwise complete', () => {
    const form = parseSubscriptionForm({
      name: 'Waste system',
      url: 'https://waste.example.gov.uk/hook#top',
      organisationId: ORGANISATION,
      eventTypes: ['case.created'],
    });
    assert.deepEqual(!form.ok && form.errors, [{ field: 'url', message: 'webhooks.errors.urlHasFragment' }]);
    assert.equal(!form.ok && form.values.name, 'Waste system');
  });
});
