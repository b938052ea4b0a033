import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { loggerOptions, redactUrl } from './logging.ts';

describe('the address of a request as the logs keep it', () => {
  it('hides the secrets that are part of a path', () => {
    assert.equal(redactUrl('/track/abcDEF123_-xyz'), '/track/[redacted]');
    assert.equal(redactUrl('/track/abcDEF123/satisfaction'), '/track/[redacted]/satisfaction');
    assert.equal(redactUrl('/track/abc/attachments/1f2e'), '/track/[redacted]/attachments/1f2e');
    assert.equal(redactUrl('/account/confirm/tok3n'), '/account/confirm/[redacted]');
    assert.equal(redactUrl('/account/reset/tok3n?lang=cy'), '/account/reset/[redacted]?lang=cy');
    assert.equal(redactUrl('/appointments/manage/tok3n/cancel'), '/appointments/manage/[redacted]/cancel');
  });

  it('hides secret query parameters and keeps the rest', () => {
    assert.equal(
      redactUrl('/account/one-login/callback?code=s3cret&state=xyz&lang=cy'),
      '/account/one-login/callback?code=%5Bredacted%5D&state=%5Bredacted%5D&lang=cy',
    );
    assert.equal(
      redactUrl('/open311/v2/servicerequestupdates.xml?api_key=odk_s3cret&start_date=2026-12-01'),
      '/open311/v2/servicerequestupdates.xml?api_key=%5Bredacted%5D&start_date=2026-12-01',
    );
  });

  it('leaves ordinary addresses alone', () => {
    assert.equal(redactUrl('/services/potholes/questions/where?change=1'), '/services/potholes/questions/where?change=1');
    assert.equal(redactUrl('/staff/cases/ODR-1234-ABCD'), '/staff/cases/ODR-1234-ABCD');
    assert.equal(redactUrl('/tracking-help'), '/tracking-help');
  });
});

describe('the request log', () => {
  it('keeps the method and the safe address of each request, never a tracking token', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = Fastify({ logger: { ...loggerOptions('info'), stream } });
    app.get('/track/:token', async () => 'ok');
    await app.inject({ method: 'GET', url: '/track/a-secret-token-1234?lang=cy' });
    await app.close();
    const incoming = lines.map((line) => JSON.parse(line) as { msg: string; req?: { method: string; url: string } });
    const request = incoming.find((line) => line.msg === 'incoming request');
    assert.deepEqual(request?.req && { method: request.req.method, url: request.req.url }, {
      method: 'GET',
      url: '/track/[redacted]?lang=cy',
    });
    assert.ok(!lines.join('').includes('a-secret-token-1234'));
  });
});
