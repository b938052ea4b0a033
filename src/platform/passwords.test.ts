import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';

describe('password rules', () => {
  it('accepts three random words with no capitals or symbols', () => {
    assert.equal(passwordProblem('coffee train window'), undefined);
  });

  it('refuses anything shorter than twelve characters', () => {
    assert.equal(passwordProblem('Xk#9p!Lq2z'), 'tooShort');
  });

  it('counts characters, not bytes, so accented letters are not penalised', () => {
    assert.equal(passwordProblem('ŵŷŵŷ llŷn ddŵr'), undefined);
  });

  it('refuses common passwords whatever their case and trailing digits', () => {
    assert.equal(passwordProblem('qwertyuiop123'), 'common');
    assert.equal(passwordProblem('Password1234!'), 'common');
  });

  it('refuses a single repeated character', () => {
    assert.equal(passwordProblem('aaaaaaaaaaaaaaaa'), 'common');
  });

  it('refuses a password made of the account holder’s own email or name', () => {
    assert.equal(passwordProblem('jane.smith2024!', { email: 'jane.smith@example.gov.uk' }), 'personal');
    assert.equal(passwordProblem('onedoor-onedoor', {}), 'personal');
  });

  it('refuses an absurdly long password', () => {
    assert.equal(passwordProblem('x'.repeat(257)), 'tooLong');
  });
});

describe('password hashing', () => {
  it('stores an argon2id hash that verifies only the same password', async () => {
    const stored = await hashPassword('coffee train window');
    assert.match(stored, /^\$argon2id\$/);
    assert.equal(await verifyPassword(stored, 'coffee train window'), true);
    assert.equal(await verifyPassword(stored, 'coffee train widow'), false);
  });

  it('treats a corrupt stored hash as a wrong password rather than an error', async () => {
    assert.equal(await verifyPassword('not-a-hash', 'anything at all'), false);
  });
});
