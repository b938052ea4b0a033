// Webhook subscriptions, as the administrators manage them: made with a secret shown once, paused
// and resumed, the secret rotated, deleted. Each change commits in one transaction with its audit
// record (which never holds the secret).
//
// The secret is stored as it was given, not hashed (OneDoor must sign with it) and not encrypted:
// a key to decrypt it would live in the same database (app_secrets) or beside the process, so
// encryption would protect only against a copy of this one table. It is read only by the sender,
// never shown again after it is made, never logged or audited, and forgotten when the
// subscription is deleted.
import type { Db, Queryable } from '../../db/database.ts';
import type { Actor } from '../../platform/actor.ts';
import { recordAudit, type AuditEntry } from '../../platform/audit/audit.ts';
import { Invalid, NotFound, type FieldError } from '../../platform/errors.ts';
import { EVENT_TYPES, type EventType } from '../../platform/events/events.ts';
import { isUuid } from '../../platform/ids.ts';
import { enqueue } from '../../platform/jobs.ts';
import { administrationScope } from '../../platform/policy.ts';
import { SEND_QUEUE } from './delivery.ts';
import { webhookPolicy } from './policy.ts';
import * as repo from './repo.ts';
import { webhookUrlProblem } from './rules.ts';
import { MAX_NAME_LENGTH } from './schemas.ts';
import { newWebhookSecret } from './signing.ts';

export type { DeliveryView, SubscriptionRecord } from './repo.ts';

/** Held deliveries a resumption enqueues at once; the sweep enqueues any more within minutes. */
const RELEASE_AT_ONCE = 500;

export interface NewSubscription {
  organisationId: string;
  name: string;
  url: string;
  eventTypes: readonly string[];
}

export interface CreatedSubscription {
  id: string;
  name: string;
  url: string;
  eventTypes: EventType[];
  /** The signing secret: shown to its maker once. */
  secret: string;
}

/** The audit record of an administrator's change to `subscription`. */
async function auditChange(
  trx: Queryable,
  actor: Actor,
  subscription: repo.SubscriptionRecord,
  entry: Pick<AuditEntry, 'action' | 'changes' | 'details'>,
): Promise<void> {
  await recordAudit(trx, actor, {
    organisationId: subscription.organisationId,
    recordType: 'webhook_subscription',
    recordId: subscription.id,
    ...entry,
  });
}

export function createWebhooksService(db: Db) {
  /** The subscription `actor` may see (and then `change`, when asked). */
  async function requireSubscription(actor: Actor, id: string, action?: 'change') {
    const subscription = isUuid(id) ? await repo.findSubscription(db, id) : undefined;
    // Someone who may not see it is told it does not exist (no probing for ids).
    if (!subscription || !webhookPolicy.can(actor, 'read', subscription)) throw new NotFound('webhook subscription');
    if (action) webhookPolicy.authorize(actor, action, subscription);
    return subscription;
  }

  return {
    /** The subscriptions of the organisations `actor` administers. */
    async list(actor: Actor) {
      return await repo.listSubscriptions(db, administrationScope(actor));
    },

    async get(actor: Actor, id: string) {
      return await requireSubscription(actor, id);
    },

    /** A subscription with its most recent deliveries and their attempts. */
    async view(actor: Actor, id: string) {
      const subscription = await requireSubscription(actor, id);
      return { subscription, deliveries: await repo.recentDeliveries(db, subscription.id) };
    },

    async create(actor: Actor, input: NewSubscription): Promise<CreatedSubscription> {
      const organisation = isUuid(input.organisationId)
        ? await repo.findOrganisationPlacement(db, input.organisationId)
        : undefined;
      if (!organisation) throw new NotFound('organisation');
      webhookPolicy.authorize(actor, 'create', {
        organisationId: organisation.id,
        organisationCouncilId: organisation.councilId,
      });
      const problems: FieldError[] = [];
      const name = input.name.trim();
      if (name === '') problems.push({ field: 'name', message: 'webhooks.errors.nameMissing' });
      else if (name.length > MAX_NAME_LENGTH) problems.push({ field: 'name', message: 'webhooks.errors.nameTooLong' });
      const url = input.url.trim();
      const urlProblem = url === '' ? 'webhooks.errors.urlMissing' : webhookUrlProblem(url);
      if (urlProblem) problems.push({ field: 'url', message: urlProblem });
      if (!organisation.active) problems.push({ field: 'organisationId', message: 'webhooks.errors.organisationClosed' });
      const wanted = new Set(input.eventTypes);
      const eventTypes = EVENT_TYPES.filter((type) => wanted.has(type));
      // None chosen, or one OneDoor does not know of among them (a forged form): the same question again.
      if (eventTypes.length === 0 || eventTypes.length < wanted.size)
        problems.push({ field: 'eventTypes', message: 'webhooks.errors.eventTypesMissing' });
      if (problems.length > 0) throw new Invalid(problems);

      const secret = newWebhookSecret();
      const id = await db.transaction().execute(async (trx) => {
        const id = await repo.insertSubscription(trx, {
          organisationId: organisation.id,
          name,
          url,
          eventTypes,
          secret,
          createdBy: actor.kind === 'staff' ? actor.id : null,
        });
        await recordAudit(trx, actor, {
          action: 'webhook.create',
          organisationId: organisation.id,
          recordType: 'webhook_subscription',
          recordId: id,
          changes: {
            name: { from: null, to: name },
            url: { from: null, to: url },
            eventTypes: { from: null, to: eventTypes },
          },
        });
        return id;
      });
      return { id, name, url, eventTypes, secret };
    },

    /** Stops sending: deliveries wait (held) until it is resumed. False if it was not active. */
    async pause(actor: Actor, id: string): Promise<boolean> {
      const subscription = await requireSubscription(actor, id, 'change');
      return await db.transaction().execute(async (trx) => {
        if (!(await repo.pauseSubscription(trx, subscription.id, 'administrator'))) return false;
        await auditChange(trx, actor, subscription, {
          action: 'webhook.pause',
          changes: { status: { from: 'active', to: 'paused' } },
          details: { reason: 'administrator', name: subscription.name },
        });
        return true;
      });
    },

    /** Sends again: its count of failures cleared, its held deliveries released. False if it was not paused. */
    async resume(actor: Actor, id: string): Promise<boolean> {
      const subscription = await requireSubscription(actor, id, 'change');
      return await db.transaction().execute(async (trx) => {
        if (!(await repo.resumeSubscription(trx, subscription.id))) return false;
        const released = await repo.releaseHeldDeliveries(trx, subscription.id, RELEASE_AT_ONCE);
        for (const { id, jobId, jobTablesPresent } of released)
          await enqueue(trx, SEND_QUEUE, { deliveryId: id }, { id: jobId, jobTablesPresent });
        await auditChange(trx, actor, subscription, {
          action: 'webhook.resume',
          changes: { status: { from: 'paused', to: 'active' } },
          details: { name: subscription.name, pausedFor: subscription.pausedReason, released: released.length },
        });
        return true;
      });
    },

    /** A new secret, shown once; deliveries from now on are signed with it alone. */
    async rotateSecret(actor: Actor, id: string): Promise<{ subscription: repo.SubscriptionRecord; secret: string }> {
      const subscription = await requireSubscription(actor, id, 'change');
      const secret = newWebhookSecret();
      await db.transaction().execute(async (trx) => {
        await repo.replaceSecret(trx, subscription.id, secret);
        await auditChange(trx, actor, subscription, {
          action: 'webhook.rotate_secret',
          details: { name: subscription.name },
        });
      });
      return { subscription, secret };
    },

    /** Deletes it: nothing more is sent, its waiting deliveries are cancelled, its secret forgotten. */
    async delete(actor: Actor, id: string): Promise<boolean> {
      const subscription = await requireSubscription(actor, id, 'change');
      return await db.transaction().execute(async (trx) => {
        if (!(await repo.deleteSubscription(trx, subscription.id))) return false;
        await auditChange(trx, actor, subscription, {
          action: 'webhook.delete',
          details: { name: subscription.name, url: subscription.url },
        });
        return true;
      });
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
