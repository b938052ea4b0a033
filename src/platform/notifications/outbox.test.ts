import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecipientError, dedupeKey, normaliseRecipient } from './outbox.ts';

describe('recipients and the at-most-once key', () => {
  it('keeps an email address in lower case', () => {
    assert.equal(normaliseRecipient('email', '  Sian.Roberts@Example.COM '), 'sian.roberts@example.com');
    assert.throws(() => normaliseRecipient('email', 'not an address'), RecipientError);
  });

  it('writes a UK phone number however given in E.164', () => {
    assert.equal(normaliseRecipient('sms', '07911 123456'), '+447911123456');
    assert.equal(normaliseRecipient('sms', '+44 (0)7911 123456'), '+447911123456');
    assert.throws(() => normaliseRecipient('sms', '12345'), RecipientError);
  });

  it('tidies a postal address into 3 to 7 lines and refuses one too short to post', () => {
    assert.equal(
      normaliseRecipient('letter', ' Siân Roberts \n\n 1  Castle Street\nOswestry\nSY11 1AA\n'),
      'Siân Roberts\n1 Castle Street\nOswestry\nSY11 1AA',
    );
    assert.throws(() => normaliseRecipient('letter', 'Oswestry\nSY11 1AA'), RecipientError);
  });

  it('is made of the event, the record, the channel and the recipient', () => {
    assert.equal(
      dedupeKey({ event: 'case.received', recordId: 'ODR-7K4M-2Q9P', channel: 'email' }, 'someone@example.com'),
      'case.received:ODR-7K4M-2Q9P:email:someone@example.com',
    );
  });

  it('tells occurrences of a repeatable event apart, and the same occurrence from itself', () => {
    const first = dedupeKey(
      { event: 'case.updated', recordId: 'ODR-7K4M-2Q9P', occurrence: 'u1', channel: 'sms' },
      '+447911123456',
    );
    const second = dedupeKey(
      { event: 'case.updated', recordId: 'ODR-7K4M-2Q9P', occurrence: 'u2', channel: 'sms' },
      '+447911123456',
    );
    assert.notEqual(first, second);
    assert.equal(first, 'case.updated:ODR-7K4M-2Q9P:u1:sms:+447911123456');
  });

  it('counts an address the same whatever its capitals, lines or spacing', () => {
    const key = (address: string) =>
      dedupeKey({ event: 'case.closed', recordId: 'ODR-7K4M-2Q9P', channel: 'letter' }, normaliseRecipient('letter', address));
    assert.equal(
      key('Siân Roberts\n1 Castle Street\nOswestry\nSY11 1AA'),
      key('SIÂN ROBERTS\n 1 Castle  Street\n\nOswestry\nsy11 1aa '),
    );
  });
});
