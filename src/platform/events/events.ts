// Domain events: what happened to a record, told to other systems (the webhooks integration).
// `recordEvent` takes the transaction of the change it tells of, like `recordAudit`: the event row
// and the pg-boss job that fans it out commit with the change or not at all. The platform knows
// nothing of who listens; the integration that does works the EVENTS_QUEUE (see
// src/integration/webhooks/delivery.ts), and finds events its jobs missed by their
// `fanned_out_at` being unset.
import type { Queryable } from '../../db/database.ts';
import { enqueue, jobTablesPresent } from '../jobs.ts';

/** The events other systems may subscribe to. */
export const EVENT_TYPES = [
  'case.created',
  'case.status_changed',
  'case.update_added',
  'case.assigned',
  'complaint.created',
  'complaint.stage_changed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** The pg-boss queue an event's fan-out job goes on; its data is `{ eventId }`, its id the event's. */
export const EVENTS_QUEUE = 'events.fan-out';

export interface DomainEvent {
  /** The council whose record changed. */
  councilId: string;
  /** The organisation working the record, when a partner agency is (its subscriptions hear of it too). */
  organisationId?: string | null;
  type: EventType;
  /** What it is about, as people know it: a case's or complaint's reference. */
  subject: string;
  /** What receivers are told, as JSON. No secrets, and no customer's details: receivers ask the API for those. */
  data: Record<string, unknown>;
  occurredAt?: Date;
}

/** Records `event` on `trx`, the transaction of the change, with the job that fans it out. Returns its id. */
export async function recordEvent(trx: Queryable, event: DomainEvent): Promise<string> {
  const [id] = await recordEvents(trx, [event]);
  return id!;
}

/**
 * Records `events` on `trx` in one insert, each with the job that fans it out (a change to many
 * records, such as assigning a queue's cases in one go). Returns their ids, in the order given.
 */
export async function recordEvents(trx: Queryable, events: readonly DomainEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => crypto.randomUUID());
  const [inserted] = await trx
    .insertInto('domain_events')
    .values(
      events.map((event, index) => ({
        id: ids[index]!,
        council_id: event.councilId,
        organisation_id: event.organisationId && event.organisationId !== event.councilId ? event.organisationId : null,
        type: event.type,
        subject: event.subject,
        data: JSON.stringify(event.data),
        ...(event.occurredAt ? { occurred_at: event.occurredAt } : {}),
      })),
    )
    .returning(jobTablesPresent().as('jobTablesPresent'))
    .execute();
  // The job's id is the event's: the sweep that looks for events not yet fanned out adds no second job.
  for (const id of ids) await enqueue(trx, EVENTS_QUEUE, { eventId: id }, { id, jobTablesPresent: inserted?.jobTablesPresent });
  return ids;
}
