import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMPLETE_LANGUAGES } from '../i18n.ts';
import {
  CHANNELS,
  EVENTS,
  NOTIFICATION_EVENTS,
  TemplateError,
  fill,
  renderNotification,
  type Personalisation,
} from './templates.ts';

/** A value for every key an event needs, each one recognisable in what is rendered. */
function personalisationFor(keys: readonly string[]): Personalisation {
  return Object.fromEntries(keys.map((key) => [key, `«${key}»`]));
}

describe('notification templates', () => {
  for (const event of EVENTS) {
    for (const channel of NOTIFICATION_EVENTS[event].channels) {
      for (const language of COMPLETE_LANGUAGES) {
        it(`renders ${event} by ${channel} in ${language} with every value it is given`, () => {
          const keys = NOTIFICATION_EVENTS[event].keys;
          const message = renderNotification(event, channel, language, personalisationFor(keys));
          assert.equal(message.template, `${event}.${channel}`);
          const text = `${message.subject ?? ''}\n${message.body}`;
          assert.doesNotMatch(text, /\{\w+\}/, 'no placeholder is left');
          // Every value the event needs appears somewhere (a text message, kept short, greets nobody).
          for (const key of keys.filter((key) => channel !== 'sms' || key !== 'name'))
            assert.ok(text.includes(`«${key}»`), `${event}.${channel} (${language}) uses {${key}}`);
          if ((keys as readonly string[]).includes('reference'))
            assert.ok(message.body.includes(`«reference»`), 'the reference is in the body itself');
          if (channel === 'sms') assert.equal(message.subject, null);
          else assert.ok(message.subject && message.subject.length > 0);
        });
      }
    }
  }

  it('addresses a letter to the resident, in plain text', () => {
    const letter = renderNotification(
      'case.received',
      'letter',
      'en',
      personalisationFor(NOTIFICATION_EVENTS['case.received'].keys),
    );
    assert.match(letter.body, /^Dear «name»\n\n/);
    assert.doesNotMatch(letter.body, /<|>|\*\*|\(\(/, 'no markup');
    const welsh = renderNotification(
      'case.received',
      'letter',
      'cy',
      personalisationFor(NOTIFICATION_EVENTS['case.received'].keys),
    );
    assert.match(welsh.body, /^Annwyl «name»\n\n/);
  });

  it('asks how satisfied the resident is when a case closes, with the link to answer', () => {
    const email = renderNotification('case.closed', 'email', 'en', {
      name: 'Siân Roberts',
      reference: 'ODR-7K4M-2Q9P',
      serviceName: 'Missed bin collection',
      satisfactionUrl: 'https://council.example/track/abc/satisfaction',
    });
    assert.equal(email.subject, 'How did we do? ODR-7K4M-2Q9P');
    assert.match(email.body, /how satisfied you are/);
    assert.match(email.body, /https:\/\/council\.example\/track\/abc\/satisfaction$/);
  });

  it('sends an escalation to a team leader by email only', () => {
    assert.deepEqual(NOTIFICATION_EVENTS['case.escalated'].channels, ['email']);
    const keys = personalisationFor(NOTIFICATION_EVENTS['case.escalated'].keys);
    for (const channel of ['sms', 'letter'] as const) {
      assert.throws(() => renderNotification('case.escalated', channel, 'en', keys), TemplateError);
    }
  });

  it('treats a missing value as a programming error, naming what is missing', () => {
    const { reference: _dropped, ...withoutReference } = personalisationFor(NOTIFICATION_EVENTS['case.updated'].keys);
    assert.throws(
      () => renderNotification('case.updated', 'email', 'en', withoutReference),
      (error: unknown) => error instanceof TemplateError && /needs personalisation reference/.test(error.message),
    );
    assert.throws(
      () => renderNotification('case.updated', 'sms', 'cy', { ...withoutReference, reference: '  ' }),
      TemplateError,
      'a blank value is as good as missing',
    );
  });

  it('refuses an event, channel or language it has no template for', () => {
    const keys = personalisationFor(['name']);
    assert.throws(() => renderNotification('case.teleported' as never, 'email', 'en', keys), TemplateError);
    assert.throws(() => renderNotification('case.received', 'pigeon' as never, 'en', keys), TemplateError);
    assert.throws(() => renderNotification('case.received', 'email', 'fr' as never, keys), TemplateError);
  });

  it('puts values in as given, once, without reading placeholders inside them', () => {
    assert.equal(
      fill('Update: {updateText}', { updateText: 'We used {name} and <b>bold</b>' }),
      'Update: We used {name} and <b>bold</b>',
    );
  });

  it('knows every channel it offers', () => {
    for (const event of EVENTS) for (const channel of NOTIFICATION_EVENTS[event].channels) assert.ok(CHANNELS.includes(channel));
  });
});
