import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConnectionFailure } from './jobs.ts';

describe('a connection failure (what background jobs survive)', () => {
  it('is PostgreSQL shutting down or a connection lost, refused or timed out', () => {
    for (const error of [
      { code: '57P01', message: 'terminating connection due to administrator command' },
      { code: '57P03', message: 'the database system is starting up' },
      { code: '08006', message: 'connection failure' },
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ])
      assert.equal(isConnectionFailure(error), true, JSON.stringify(error));
  });

  it('is no other error, so that those still end the process', () => {
    for (const error of [
      { code: '23505', message: 'duplicate key value violates unique constraint' },
      { code: '42P01', message: 'relation "pgboss.job" does not exist' },
      new TypeError('Cannot read properties of undefined'),
      new Error('the connection string is wrong: Connection terminated is not at the start'),
      null,
      undefined,
      'Connection terminated',
    ])
      assert.equal(isConnectionFailure(error), false, String(error));
  });
});
