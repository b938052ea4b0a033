// The rules of webhooks that need no database: where a subscription may point, how deliveries are
// retried, and when a subscription is paused.

export interface WebhookDeliverySettings {
  /** Attempts per delivery: the first and pg-boss's retries. */
  maxAttempts: number;
  /** The first retry's delay; with `retryBackoff`, each later one about doubles (pg-boss adds jitter). */
  retryDelaySeconds: number;
  retryBackoff: boolean;
  /** Deliveries in a row that used up every attempt before the subscription is paused. */
  pauseAfterFailedDeliveries: number;
  /** How long a receiver has to answer. */
  timeoutMs: number;
  /** A delivery (or event) still waiting this long is enqueued again by the sweep, if no job has it. */
  sweepAfterSeconds: number;
  /** How many deliveries one node sends at once. */
  concurrency: number;
  pollingIntervalSeconds?: number;
}

/**
 * Ten attempts: retries about 1, 2, 4 … 256 minutes apart (with jitter), so a delivery rides out
 * 4 to 8 hours of a receiver being down. Three deliveries in a row failing all ten pause the
 * subscription: the receiver has been unreachable for hours, and an administrator must look.
 */
export const DEFAULT_WEBHOOK_DELIVERY: WebhookDeliverySettings = {
  maxAttempts: 10,
  retryDelaySeconds: 30,
  retryBackoff: true,
  pauseAfterFailedDeliveries: 3,
  timeoutMs: 10_000,
  sweepAfterSeconds: 300,
  concurrency: 4,
};

/** A delivery's attempt that failed: whether it was its last, and so whether the delivery has failed. */
export function isLastAttempt(attempts: number, settings: Pick<WebhookDeliverySettings, 'maxAttempts'>): boolean {
  return attempts >= settings.maxAttempts;
}

/**
 * The pause rule. A delivered delivery resets the count of failed deliveries in a row; a delivery
 * that fails for good adds one, and the subscription is paused when the count reaches the limit.
 * Failed attempts that are retried count for nothing: a receiver down for a few minutes during
 * a busy hour should not be paused.
 */
export function afterDelivery(
  failedInARow: number,
  outcome: 'delivered' | 'failed',
  settings: Pick<WebhookDeliverySettings, 'pauseAfterFailedDeliveries'>,
): { failedInARow: number; pause: boolean } {
  if (outcome === 'delivered') return { failedInARow: 0, pause: false };
  const count = failedInARow + 1;
  return { failedInARow: count, pause: count >= settings.pauseAfterFailedDeliveries };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why `url` cannot receive webhooks (an i18n key), or undefined when it can: an absolute https
 * URL, without a user name or password in it (the signature proves who sent it) and without a
 * fragment. Plain http is allowed only to this machine (localhost, 127.0.0.1, [::1]), for
 * development and tests: anything else would send case details unencrypted.
 */
export function webhookUrlProblem(url: string): string | undefined {
  if (url.length > 2000) return 'webhooks.errors.urlTooLong';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'webhooks.errors.urlInvalid';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'webhooks.errors.urlInvalid';
  if (parsed.protocol === 'http:' && !LOCAL_HOSTS.has(parsed.hostname)) return 'webhooks.errors.urlNotHttps';
  if (parsed.username !== '' || parsed.password !== '') return 'webhooks.errors.urlHasCredentials';
  if (parsed.hash !== '' || url.includes('#')) return 'webhooks.errors.urlHasFragment';
  return undefined;
}
