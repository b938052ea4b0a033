// Where a webhook may point, and when a subscription is paused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_WEBHOOK_DELIVERY, afterDelivery, isLastAttempt, webhookUrlProblem } from './rules.ts';

describe('the pause rule', () => {
  const settings = { pauseAfterFailedDeliveries: 3 };

  it('pauses a subscription when three deliveries in a row have used every attempt', () => {
    let state = { failedInARow: 0, pause: false };
    state = afterDelivery(state.failedInARow, 'failed', settings);
    assert.deepEqual(state, { failedInARow: 1, pause: false });
    state = afterDelivery(state.failedInARow, 'failed', settings);
    assert.deepEqual(state, { failedInARow: 2, pause: false });
    state = afterDelivery(state.failedInARow, 'failed', settings);
    assert.deepEqual(state, { failedInARow: 3, pause: true });
  });

  it('starts counting again after any delivery gets through', () => {
    const afterTwo = afterDelivery(afterDelivery(0, 'failed', settings).failedInARow, 'failed', settings);
    assert.deepEqual(afterDelivery(afterTwo.failedInARow, 'delivered', settings), { failedInARow: 0, pause: false });
    assert.deepEqual(afterDelivery(0, 'failed', settings), { failedInARow: 1, pause: false });
  });

  it('counts a delivery as failed only after its last attempt', () => {
    assert.equal(isLastAttempt(1, DEFAULT_WEBHOOK_DELIVERY), false);
    assert.equal(isLastAttempt(DEFAULT_WEBHOOK_DELIVERY.maxAttempts - 1, DEFAULT_WEBHOOK_DELIVERY), false);
    assert.equal(isLastAttempt(DEFAULT_WEBHOOK_DELIVERY.maxAttempts, DEFAULT_WEBHOOK_DELIVERY), true);
  });

  it('by default retries for hours before a delivery fails, and pauses after three such', () => {
    const { maxAttempts, retryDelaySeconds, pauseAfterFailedDeliveries } = DEFAULT_WEBHOOK_DELIVERY;
    // pg-boss waits between delay × 2^n and delay × 2^(n+1) before retry n (from 0).
    const shortest = Array.from({ length: maxAttempts - 1 }, (_, n) => retryDelaySeconds * 2 ** n).reduce((a, b) => a + b, 0);
    assert.ok(shortest >= 4 * 3600, `at least 4 hours of retries (${shortest} s)`);
    assert.equal(pauseAfterFailedDeliveries, 3);
  });
});

describe('where a webhook may point', () => {
  it('accepts https addresses, with a port, path and query', () => {
    for (const url of [
      'https://waste.example.gov.uk/onedoor',
      'https://10.1.2.3:8443/hooks?source=onedoor',
      'https://highways.example.gov.uk',
    ])
      assert.equal(webhookUrlProblem(url), undefined, url);
  });

  it('accepts plain http to this machine only, for development and tests', () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]:3000/'])
      assert.equal(webhookUrlProblem(url), undefined, url);
    for (const url of ['http://waste.example.gov.uk/hook', 'http://10.0.0.1/hook', 'http://127.0.0.1.example.com/'])
      assert.equal(webhookUrlProblem(url), 'webhooks.errors.urlNotHttps', url);
  });

  it('refuses what is not a web address, credentials in it, and fragments', () => {
    assert.equal(webhookUrlProblem('waste.example.gov.uk/hook'), 'webhooks.errors.urlInvalid');
    assert.equal(webhookUrlProblem('ftp://files.example.gov.uk/'), 'webhooks.errors.urlInvalid');
    assert.equal(webhookUrlProblem('javascript:alert(1)'), 'webhooks.errors.urlInvalid');
    assert.equal(webhookUrlProblem('https://user:pass@waste.example.gov.uk/'), 'webhooks.errors.urlHasCredentials');
    assert.equal(webhookUrlProblem('https://waste.example.gov.uk/hook#top'), 'webhooks.errors.urlHasFragment');
    assert.equal(webhookUrlProblem(`https://waste.example.gov.uk/${'a'.repeat(2000)}`), 'webhooks.errors.urlTooLong');
  });
});
