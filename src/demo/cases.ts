// The demo council's past cases: the real FixMyStreet reports made around Oswestry (the shared
// reference data, read where it lies and never copied into the repository, because residents'
// words and names are in it) become cases with timelines, so queues and reports show real shapes
// of demand. Each report's category gives its service, its time the time received (all moved on by
// whole weeks so the latest is a few days old, keeping weekdays), its place the location and ward,
// its state and last update the outcome: closed reports are resolved when FixMyStreet last heard
// of them (so some are late, as they were), and later closed; open ones are still open. Due dates
// are the service's working days counted with bank holidays and closures, as for a case raised now.
//
// Everything else is drawn from a PRNG seeded per report, and each report's reference is derived
// from the council and the report, so seeding again finds every case already there and adds
// nothing. Loaded in batches of multi-row inserts, one transaction per batch, with one audit
// record per batch rather than a service call per case; no notifications are sent for history.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.ts';
import { newCaseReference, newTrackingToken } from '../cases/reference.ts';
import type { CaseStatus } from '../cases/lifecycle.ts';
import { insertEvents, type NewEvent } from '../cases/repo.ts';
import { systemActor } from '../platform/actor.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import { SLA_DIVISION } from '../services/bankHolidays.ts';
import {
  addCalendarDays,
  addWorkingDays,
  isWorkingDay,
  londonDate,
  startOfLondonDay,
  type SlaDates,
} from '../services/calendar.ts';
import { closedDaysBetween } from '../services/calendarRepo.ts';
import { routeCase } from '../services/routing.ts';
import type { AnswerValue, Priority, ServiceForCase } from '../services/schemas.ts';
import { createServicesService } from '../services/service.ts';
import { referenceDataDir } from './gazetteer.ts';
import { between, pick, seededRandom, type Random } from './people.ts';
import { FIXMYSTREET_FILE, fixMyStreetServiceCode } from './services.ts';

export interface DemoReport {
  /** FixMyStreet's service_request_id. */
  id: string;
  title: string;
  detail: string;
  category: string;
  status: 'open' | 'closed';
  requestedAt: Date;
  updatedAt: Date;
  lat: number;
  long: number;
}

export interface DemoCasesOptions {
  /** The history ends a few days before this (now, unless said). */
  now?: Date;
  seed?: number;
  dataDir?: string;
  /** The demo officer: takes some of their team's cases and works them. */
  officer?: { id: string; name: string; teamId: string } | null;
}

export interface DemoCasesOutcome {
  cases: number;
  events: number;
  /** Reports whose service the council does not have (none with the demo catalogue). */
  skipped: number;
  source: 'reference' | 'fallback';
}

const CASES_PER_BATCH = 500;
const EVENTS_PER_STATEMENT = 2_000;
const WEEK_MS = 7 * 86_400_000;
const HOUR_MS = 3_600_000;
/** Resolved cases are closed this many days later, when the resident has not said otherwise. */
const CLOSE_AFTER_DAYS = 10;
/** Within 300 m, as placeOf finds a reported point's ward. */
const WARD_METRES = 300;

/** The reports: the reference list, or a few made up here (not real reports) when it is absent. */
export function readFixMyStreetReports(dataDir = referenceDataDir()): {
  reports: DemoReport[];
  source: 'reference' | 'fallback';
} {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, FIXMYSTREET_FILE), 'utf8');
  } catch {
    return { reports: BUILT_IN_REPORTS.map(builtInReport), source: 'fallback' };
  }
  const rows = parse(text, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as Record<
    string,
    string
  >[];
  const reports: DemoReport[] = [];
  for (const row of rows) {
    const requestedAt = new Date(row.requested_datetime ?? '');
    const updatedAt = new Date(row.updated_datetime || row.requested_datetime || '');
    const lat = Number(row.lat);
    const long = Number(row.long);
    if (!row.service_request_id || Number.isNaN(requestedAt.getTime()) || Number.isNaN(updatedAt.getTime())) continue;
    if (!Number.isFinite(lat) || !Number.isFinite(long) || row.lat === '' || row.long === '') continue;
    reports.push({
      id: row.service_request_id,
      title: (row.title ?? '').trim(),
      detail: (row.detail ?? '').trim(),
      category: (row.service_name ?? '').trim(),
      status: row.status === 'open' ? 'open' : 'closed',
      requestedAt,
      updatedAt: updatedAt < requestedAt ? requestedAt : updatedAt,
      lat,
      long,
    });
  }
  return { reports, source: 'reference' };
}

/** Adds the demo council's past cases that it does not have yet. */
export async function seedDemoCases(db: Db, councilId: string, options: DemoCasesOptions = {}): Promise<DemoCasesOutcome> {
  const now = options.now ?? new Date();
  const seed = options.seed ?? 311;
  const { reports, source } = readFixMyStreetReports(options.dataDir);
  if (reports.length === 0) return { cases: 0, events: 0, skipped: 0, source };
  reports.sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime() || a.id.localeCompare(b.id));

  // A reference for each report of each council, the same every time (another draw on a clash):
  // the reports whose references are taken are already cases, and are left alone.
  const referenceOf = new Map<DemoReport, string>();
  const drawn = new Set<string>();
  for (const report of reports) {
    let reference: string;
    for (let attempt = 0; ; attempt++) {
      reference = newCaseReference(() => derivedBytes(`${councilId}:${report.id}:${attempt}`, 5));
      if (!drawn.has(reference)) break;
    }
    drawn.add(reference);
    referenceOf.set(report, reference);
  }
  const taken = new Set<string>();
  const all = [...drawn];
  for (let start = 0; start < all.length; start += 5_000) {
    const rows = await db
      .selectFrom('cases')
      .select('reference')
      .where('reference', 'in', all.slice(start, start + 5_000))
      .execute();
    for (const row of rows) taken.add(row.reference);
  }
  const missing = reports.filter((report) => !taken.has(referenceOf.get(report)!));
  if (missing.length === 0) return { cases: 0, events: 0, skipped: 0, source };

  // Whole weeks, so Monday's reports stay on a Monday: the latest lands 3 to 10 days ago.
  const latest = reports[reports.length - 1]!.requestedAt.getTime();
  const shift = Math.floor((now.getTime() - 3 * 86_400_000 - latest) / WEEK_MS) * WEEK_MS;
  const moved = (time: Date) => new Date(time.getTime() + shift);

  const catalogue = createServicesService(db);
  const services = new Map<string, ServiceForCase | undefined>();
  for (const code of new Set(reports.map((report) => fixMyStreetServiceCode(report.category)))) {
    services.set(code, await catalogue.forCase(councilId, code));
  }
  const wards = await wardsOf(
    db,
    councilId,
    missing.map((report) => ({ lat: report.lat, long: report.long })),
  );
  const customers = (
    await db
      .selectFrom('customers')
      .select('id')
      .where('council_id', '=', councilId)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
  ).map((row) => row.id);

  // The closed days of every organisation a case may be routed to, over the whole history.
  const from = addCalendarDays(londonDate(moved(missing[0]!.requestedAt)), -7);
  const to = addCalendarDays(londonDate(now), 400);
  const organisations = new Set<string>();
  for (const service of services.values())
    if (service)
      for (const id of [service.organisationId, ...service.routingRules.map((rule) => rule.organisationId)])
        if (id) organisations.add(id);
  const closedDays = new Map<string, ReadonlySet<string>>();
  for (const organisationId of organisations)
    closedDays.set(organisationId, new Set(await closedDaysBetween(db, { division: SLA_DIVISION, organisationId, from, to })));

  const drafts: PastCase[] = [];
  let skipped = 0;
  for (const [index, report] of missing.entries()) {
    const service = services.get(fixMyStreetServiceCode(report.category));
    if (!service) {
      skipped += 1;
      continue;
    }
    const random = seededRandom(seed ^ hashOf(report.id));
    const draft = pastCase(
      { ...report, requestedAt: moved(report.requestedAt), updatedAt: moved(report.updatedAt) },
      {
        councilId,
        service,
        ward: wards[index] ?? null,
        closedDays: (organisationId) => closedDays.get(organisationId) ?? new Set(),
        customerId: customers.length > 0 && random() < 0.2 ? pick(random, customers) : null,
        officer: options.officer ?? null,
        now,
      },
      random,
    );
    draft.reference = referenceOf.get(report)!;
    drafts.push(draft);
  }

  await preparePartitions(db, moved(missing[0]!.requestedAt), now);

  let cases = 0;
  let events = 0;
  for (let start = 0; start < drafts.length; start += CASES_PER_BATCH) {
    const batch = drafts.slice(start, start + CASES_PER_BATCH);
    const added = await db.transaction().execute((trx) => insertPastCases(trx, councilId, batch));
    cases += added.cases;
    events += added.events;
  }
  return { cases, events, skipped, source };
}

/** A case of the past as it will be written: the row, and its events in order. */
export interface PastCase {
  reference: string;
  row: {
    serviceId: string;
    customerId: string | null;
    description: string;
    answers: Record<string, AnswerValue>;
    lat: number;
    long: number;
    ward: string | null;
    status: CaseStatus;
    priority: Priority;
    teamId: string;
    organisationId: string;
    assignedTo: string | null;
    receivedAt: Date;
    dueAt: Date;
    dueSoonAt: Date;
    resolvedAt: Date | null;
    closedAt: Date | null;
    escalatedAt: Date | null;
    satisfaction: number | null;
    satisfactionAt: Date | null;
  };
  events: Omit<NewEvent, 'caseId' | 'councilId'>[];
}

export interface PastCaseContext {
  councilId: string;
  service: ServiceForCase;
  ward: string | null;
  closedDays(organisationId: string): ReadonlySet<string>;
  customerId: string | null;
  officer: { id: string; name: string; teamId: string } | null;
  now: Date;
}

/**
 * One report's case and timeline (its times already moved). Pure: the same report, context and
 * PRNG give the same case. The lifecycle's moves only: submitted, in progress, resolved, closed.
 */
export function pastCase(report: DemoReport, context: PastCaseContext, random: Random): PastCase {
  const { service, now } = context;
  const answers = answersFor(service, report, random);
  const route = routeCase(service, { ward: context.ward, answers });
  const closed = context.closedDays(route.organisationId);
  const receivedAt = report.requestedAt;
  const { dueAt, dueSoonAt } = slaDatesOf(receivedAt, service.slaWorkingDays, closed);
  const latestPossible = now.getTime() - 30 * 60_000;
  const clamp = (time: number) => new Date(Math.min(time, latestPossible));
  const messages = messagesFor(service.code);
  const teamName =
    service.routingRules.find((rule) => rule.teamId === route.teamId)?.teamName ??
    (route.teamId === service.teamId ? service.teamName : 'the team');

  // The demo officer takes about half of their own team's cases; others are worked by "the team".
  const officer = context.officer && context.officer.teamId === route.teamId && random() < 0.55 ? context.officer : null;
  const worker = officer
    ? { type: 'staff' as const, id: officer.id, label: officer.name }
    : { type: 'staff' as const, id: null, label: teamName };
  const events: PastCase['events'] = [
    {
      kind: 'received',
      visibility: 'public',
      actor: { type: 'resident', id: null, label: null },
      statusTo: 'submitted',
      occurredAt: receivedAt,
    },
  ];
  if (route.teamId !== service.teamId)
    events.push({
      kind: 'routed',
      visibility: 'internal',
      actor: { type: 'system', id: null, label: 'OneDoor' },
      details: { teamId: route.teamId },
      occurredAt: receivedAt,
    });
  const at = (time: number) => workingTime(new Date(time), closed, random).getTime();
  if (officer) {
    const taken = Math.min(at(receivedAt.getTime() + between(random, 1, 20) * HOUR_MS), latestPossible);
    if (taken > receivedAt.getTime())
      events.push({
        kind: 'assigned',
        visibility: 'internal',
        actor: worker,
        details: { from: null, to: officer.id },
        occurredAt: new Date(taken),
      });
  }

  let status = 'submitted' as CaseStatus;
  let resolvedAt: Date | null = null;
  let closedAt: Date | null = null;
  let satisfaction: number | null = null;
  let satisfactionAt: Date | null = null;

  const move = (to: CaseStatus, time: Date, body: string, by: NewEvent['actor'] = worker) => {
    events.push({
      kind: 'status_changed',
      visibility: 'public',
      body,
      statusFrom: status,
      statusTo: to,
      actor: by,
      occurredAt: time,
    });
    status = to;
  };
  const lastEventAt = () => events[events.length - 1]!.occurredAt!.getTime();

  if (report.status === 'closed') {
    // Resolved when FixMyStreet last heard of it: the real time it took, late or not.
    const resolved = clamp(Math.max(report.updatedAt.getTime(), receivedAt.getTime() + 20 * 60_000, lastEventAt() + 60_000));
    const span = resolved.getTime() - Math.max(receivedAt.getTime(), lastEventAt());
    if (span > 4 * HOUR_MS) {
      const started = Math.max(lastEventAt() + 60_000, at(receivedAt.getTime() + span * (0.05 + random() * 0.4)));
      if (started < resolved.getTime() - 60_000) {
        move('in_progress', new Date(started), pick(random, messages.started));
        if (random() < 0.4) addNote(events, random, worker, started, resolved.getTime());
        if (span > 7 * 86_400_000 && random() < 0.4)
          events.push({
            kind: 'public_update',
            visibility: 'public',
            body: pick(random, messages.waiting),
            actor: worker,
            occurredAt: new Date(between(random, started + 60_000, resolved.getTime() - 60_000)),
          });
      }
    }
    if (resolved.getTime() > dueAt.getTime() + 10 * 60_000)
      events.push({
        kind: 'escalated',
        visibility: 'internal',
        actor: { type: 'system', id: null, label: 'job:cases.escalate' },
        details: { to: [] },
        occurredAt: new Date(dueAt.getTime() + 10 * 60_000),
      });
    sortEvents(events);
    move('resolved', resolved, span <= 4 * HOUR_MS && random() < 0.5 ? pick(random, QUICK_ANSWERS) : pick(random, messages.done));
    resolvedAt = resolved;
    const closing = resolved.getTime() + CLOSE_AFTER_DAYS * 86_400_000;
    if (closing < latestPossible) {
      closedAt = new Date(closing);
      move('closed', closedAt, 'No further problems were reported, so this case is now closed.', {
        type: 'system',
        id: null,
        label: 'OneDoor',
      });
      // A few residents answer the satisfaction question; fewer are pleased when it was late.
      if (random() < 0.15) {
        const answered = closing + between(random, 1, 96) * HOUR_MS;
        if (answered < latestPossible) {
          const late = resolved.getTime() > dueAt.getTime();
          satisfaction = pick(random, late ? [1, 1, 2, 2, 3, 3, 4, 5] : [2, 3, 4, 4, 5, 5, 5, 5]);
          satisfactionAt = new Date(answered);
          events.push({
            kind: 'satisfaction',
            visibility: 'internal',
            actor: { type: 'resident', id: null, label: null },
            details: { score: satisfaction },
            occurredAt: satisfactionAt,
          });
        }
      }
    }
  } else {
    // Still open: in progress when the council has touched it since, otherwise waiting.
    const touched = report.updatedAt.getTime() - receivedAt.getTime() > 86_400_000 || (officer !== null && random() < 0.5);
    if (touched) {
      const started = clamp(Math.max(lastEventAt() + 60_000, report.updatedAt.getTime(), at(receivedAt.getTime() + HOUR_MS)));
      if (started.getTime() > lastEventAt()) {
        move('in_progress', started, pick(random, messages.started));
        if (random() < 0.35 && started.getTime() < latestPossible - HOUR_MS)
          addNote(events, random, worker, started.getTime(), latestPossible);
      }
    }
  }

  // Overdue open cases were escalated by the job long ago; those due in the last day it has yet to reach.
  let escalatedAt: Date | null = events.find((event) => event.kind === 'escalated')?.occurredAt ?? null;
  if (status !== 'resolved' && status !== 'closed' && dueAt.getTime() < now.getTime() - 86_400_000) {
    escalatedAt = new Date(dueAt.getTime() + 10 * 60_000);
    events.push({
      kind: 'escalated',
      visibility: 'internal',
      actor: { type: 'system', id: null, label: 'job:cases.escalate' },
      details: { to: [] },
      occurredAt: escalatedAt,
    });
  }
  sortEvents(events);

  const description = [report.title, report.detail.startsWith(report.title) ? '' : report.detail]
    .filter(Boolean)
    .join('\n\n')
    .slice(0, 10_000);
  return {
    reference: '',
    row: {
      serviceId: service.id,
      customerId: context.customerId,
      description: description || report.category || service.name,
      answers,
      lat: report.lat,
      long: report.long,
      ward: context.ward,
      status,
      priority: route.priority,
      teamId: route.teamId,
      organisationId: route.organisationId,
      assignedTo: officer?.id ?? null,
      receivedAt,
      dueAt,
      dueSoonAt,
      resolvedAt,
      closedAt,
      escalatedAt,
      satisfaction,
      satisfactionAt,
    },
    events,
  };
}

function addNote(events: PastCase['events'], random: Random, actor: NewEvent['actor'], from: number, to: number): void {
  if (to - from < 2 * 60_000) return;
  events.push({
    kind: 'internal_note',
    visibility: 'internal',
    body: pick(random, INTERNAL_NOTES),
    actor,
    occurredAt: new Date(between(random, from + 60_000, to - 60_000)),
  });
}

function sortEvents(events: PastCase['events']): void {
  // The received event first whatever happens; the rest in time order.
  events.sort((a, b) =>
    a.kind === 'received' ? -1 : b.kind === 'received' ? 1 : a.occurredAt!.getTime() - b.occurredAt!.getTime(),
  );
}

// Thousands of cases fall on a few hundred days: the calendar's answers are worked out once a day.
const slaDatesByDay = new WeakMap<ReadonlySet<string>, Map<string, SlaDates>>();
const londonMidnights = new Map<string, number>();

/** addWorkingDays, remembered for each set of closed days by the day received (the time of day does not change the answer). */
function slaDatesOf(receivedAt: Date, days: number, closed: ReadonlySet<string>): SlaDates {
  let known = slaDatesByDay.get(closed);
  if (!known) slaDatesByDay.set(closed, (known = new Map()));
  const key = `${londonDate(receivedAt)}:${days}`;
  let dates = known.get(key);
  if (!dates) known.set(key, (dates = addWorkingDays(receivedAt, days, closed)));
  return dates;
}

function startOfLondonDayMs(date: string): number {
  let midnight = londonMidnights.get(date);
  if (midnight === undefined) londonMidnights.set(date, (midnight = startOfLondonDay(date).getTime()));
  return midnight;
}

/** A time in office hours (08:30 to 16:30 in London on a working day) at or after `time`. */
export function workingTime(time: Date, closed: ReadonlySet<string>, random: Random): Date {
  let day = londonDate(time);
  const start = startOfLondonDayMs;
  const opens = (date: string) => start(date) + 8.5 * HOUR_MS;
  const shuts = (date: string) => start(date) + 16.5 * HOUR_MS;
  if (isWorkingDay(day, closed) && time.getTime() >= opens(day) && time.getTime() < shuts(day)) return time;
  if (!isWorkingDay(day, closed) || time.getTime() >= shuts(day)) {
    day = addCalendarDays(day, 1);
    while (!isWorkingDay(day, closed)) day = addCalendarDays(day, 1);
  }
  return new Date(opens(day) + Math.floor(random() * 3 * HOUR_MS));
}

/** The answers a resident gave the service's form: the place, and a plausible answer to each required question. */
function answersFor(service: ServiceForCase, report: DemoReport, random: Random): Record<string, AnswerValue> {
  const answers: Record<string, AnswerValue> = {};
  for (const question of service.questions) {
    if (question.kind === 'location') answers[question.code] = { lat: report.lat, long: report.long };
    else if (question.kind === 'yes_no' && question.required) answers[question.code] = random() < 0.07;
    else if (question.kind === 'choice' && question.required && question.options.length > 0)
      answers[question.code] = pick(random, question.options).value;
  }
  return answers;
}

/** The ward of each point: the nearest gazetteer property's within 300 m (as placeOf), in one query. */
async function wardsOf(db: Db, councilId: string, points: { lat: number; long: number }[]): Promise<(string | null)[]> {
  const latitudeDelta = WARD_METRES / 111_320;
  const { rows } = await sql<{ i: string; ward: string | null }>`
    select p.i, (
      select ward from properties
      where council_id = ${councilId} and latitude is not null
        and latitude between p.lat - ${latitudeDelta} and p.lat + ${latitudeDelta}
        and longitude between p.long - ${latitudeDelta} / cos(radians(p.lat)) and p.long + ${latitudeDelta} / cos(radians(p.lat))
      order by power(latitude - p.lat, 2) + power((longitude - p.long) * cos(radians(p.lat)), 2)
      limit 1
    ) as ward
    from unnest(${points.map((point) => point.lat)}::float8[], ${points.map((point) => point.long)}::float8[])
      with ordinality as p(lat, long, i)
  `.execute(db);
  const wards: (string | null)[] = new Array(points.length).fill(null);
  for (const row of rows) wards[Number(row.i) - 1] = row.ward;
  return wards;
}

/**
 * Monthly partitions of case_events for the history, one month at a time: a month whose rows are
 * already in the default partition cannot have its own, and its events go to the default.
 */
async function preparePartitions(db: Db, from: Date, now: Date): Promise<void> {
  let month = `${londonDate(from).slice(0, 7)}-01`;
  const last = `${londonDate(now).slice(0, 7)}-01`;
  for (; month <= last; month = addCalendarDays(month, 32).slice(0, 8) + '01') {
    await sql`select ensure_monthly_partitions('case_events', ${month}::date, 1)`.execute(db).catch(() => undefined);
  }
}

/** Writes a batch of past cases (those whose references are not taken) and their events. */
async function insertPastCases(trx: Tx, councilId: string, batch: PastCase[]): Promise<{ cases: number; events: number }> {
  const inserted = await trx
    .insertInto('cases')
    .values(
      batch.map(({ reference, row }) => ({
        council_id: councilId,
        reference,
        tracking_token: newTrackingToken(),
        service_id: row.serviceId,
        customer_id: row.customerId,
        channel: 'web',
        description: row.description,
        answers: JSON.stringify(row.answers),
        location_lat: row.lat,
        location_long: row.long,
        ward: row.ward,
        status: row.status,
        priority: row.priority,
        team_id: row.teamId,
        organisation_id: row.organisationId,
        assigned_to: row.assignedTo,
        received_at: row.receivedAt,
        due_at: row.dueAt,
        due_soon_at: row.dueSoonAt,
        resolved_at: row.resolvedAt,
        closed_at: row.closedAt,
        escalated_at: row.escalatedAt,
        satisfaction: row.satisfaction,
        satisfaction_at: row.satisfactionAt,
        created_at: row.receivedAt,
        updated_at: row.satisfactionAt ?? row.closedAt ?? row.resolvedAt ?? row.receivedAt,
      })),
    )
    .onConflict((conflict) => conflict.column('reference').doNothing())
    .returning(['id', 'reference'])
    .execute();
  if (inserted.length === 0) return { cases: 0, events: 0 };
  const ids = new Map(inserted.map((row) => [row.reference, row.id]));
  const events = batch.flatMap((draft) => {
    const caseId = ids.get(draft.reference);
    return caseId ? draft.events.map((event) => ({ ...event, caseId })) : [];
  });
  for (let start = 0; start < events.length; start += EVENTS_PER_STATEMENT)
    await insertEvents(
      trx,
      events.slice(start, start + EVENTS_PER_STATEMENT).map((event) => ({ ...event, councilId })),
    );
  await recordAudit(trx, systemActor('demo'), {
    action: 'case.import',
    organisationId: councilId,
    recordType: 'organisation',
    recordId: councilId,
    details: { source: 'demo history (FixMyStreet reports)', cases: inserted.length, events: events.length },
  });
  return { cases: inserted.length, events: events.length };
}

function hashOf(text: string): number {
  return crypto.createHash('sha256').update(text).digest().readUInt32BE(0);
}

function derivedBytes(text: string, size: number): Buffer {
  return crypto.createHash('sha256').update(`demo-case-reference:${text}`).digest().subarray(0, size);
}

/* ---------- what the council says ---------- */

interface Messages {
  started: readonly string[];
  waiting: readonly string[];
  done: readonly string[];
}

const GENERAL: Messages = {
  started: [
    'Thank you for your report. An officer will inspect the site.',
    'We have passed this to our inspector, who will visit and decide what needs doing.',
    'We are looking into this and will update you when we know more.',
  ],
  waiting: [
    'Our inspector has visited and the repair has been added to our programme of works.',
    'This is waiting for a contractor. We will let you know when the work is booked.',
  ],
  done: [
    'The work has been completed. Thank you for letting us know.',
    'We have dealt with this. If the problem comes back, please report it again.',
    'An officer inspected the site and made it safe.',
  ],
};

const BY_SERVICE: Readonly<Record<string, Partial<Messages>>> = {
  potholes: {
    started: ['Thank you. A highways inspector will look at the pothole and decide on the repair.'],
    waiting: ['The pothole has been inspected and a repair is booked with our contractor.'],
    done: ['The pothole has been filled.', 'The pothole has been repaired as part of a patching scheme on this road.'],
  },
  'fly-tipping': {
    started: ['Our street scene crew has been asked to clear this.', 'An enforcement officer will look for evidence first.'],
    done: ['The fly-tipped waste has been cleared.', 'The waste has been removed and the evidence passed to enforcement.'],
  },
  'street-lights': {
    started: ['Our street lighting contractor has been asked to repair this light.'],
    done: ['The street light has been repaired.', 'The lamp has been replaced and the light is working again.'],
  },
  'drains-flooding': {
    started: ['The drainage team will inspect the gully.'],
    done: ['The gully has been cleared.', 'The drain has been jetted and is running freely.'],
  },
  'litter-bins': { done: ['The bin has been emptied.', 'The damaged bin has been replaced.'] },
  'dead-animals': { done: ['The animal has been removed.'] },
  'dog-fouling': { done: ['The area has been cleaned and wardens will patrol at the times you mentioned.'] },
  'highway-vegetation': {
    done: ['The vegetation has been cut back.', 'We have written to the landowner, who has cut back the hedge.'],
  },
};

function messagesFor(code: string): Messages {
  const own = BY_SERVICE[code] ?? {};
  return { started: own.started ?? GENERAL.started, waiting: own.waiting ?? GENERAL.waiting, done: own.done ?? GENERAL.done };
}

const QUICK_ANSWERS = [
  'This has already been reported and is being dealt with under another report.',
  'This is not the council’s responsibility; we have passed it to the landowner.',
  'Our inspector found nothing that needs doing at present.',
];

const INTERNAL_NOTES = [
  'Inspected: category 2 defect, add to the next patching run.',
  'Photo checked; not urgent.',
  'Rang the resident back to confirm the exact spot.',
  'Contractor asked for a quote.',
  'Linked to the resurfacing scheme planned for this road.',
  'Landowner identified from the Land Registry; letter sent.',
  'Crew could not find it on first visit; second visit booked.',
];

/* ---------- a few made-up reports, for a machine without the reference data ---------- */

type BuiltIn = [category: string, title: string, daysAgo: number, hour: number, status: 'open' | 'closed', daysTaken: number];

const BUILT_IN_REPORTS: readonly BuiltIn[] = [
  ['Carriageway pothole', 'Deep pothole by the bus stop', 120, 8, 'closed', 9],
  ['Carriageway pothole', 'Several potholes along the lane', 95, 17, 'closed', 30],
  ['Carriageway pothole', 'Pothole at the junction', 20, 12, 'open', 0],
  ['Footway pothole', 'Hole in the pavement outside the shop', 60, 10, 'closed', 6],
  ['Fly Tipping', 'Mattress and bags dumped in the lay-by', 110, 19, 'closed', 2],
  ['Fly Tipping', 'Building rubble left by the gate', 45, 9, 'closed', 12],
  ['Fly Tipping', 'Sofa dumped on the verge', 6, 14, 'open', 0],
  ['Street Light Out', 'Street light not working', 80, 21, 'closed', 14],
  ['Street Light Out', 'Light flickering all night', 12, 22, 'open', 3],
  ['Drain blocked', 'Gully blocked, water across the road', 70, 7, 'closed', 4],
  ['Drain blocked', 'Drain overflowing after rain', 9, 16, 'open', 2],
  ['Litter Bin - Overflowing', 'Bin by the park gate overflowing', 40, 13, 'closed', 1],
  ['Dog fouling', 'Dog mess all along the footpath', 33, 11, 'closed', 8],
  ['Overgrown Trees/Hedges', 'Hedge blocking the pavement', 55, 15, 'closed', 25],
  ['Other Highways issue', 'Road sign knocked over', 28, 10, 'closed', 5],
  ['Other Highways issue', 'Mud on the road from the farm', 4, 8, 'open', 0],
  ['Abandoned vehicle', 'Car with no tax parked for weeks', 90, 12, 'closed', 21],
  ['Syringes / Needles / Drug related litter', 'Needles in the play area', 15, 9, 'closed', 1],
  ['Carriageway surface problem', 'Road surface breaking up', 140, 10, 'closed', 45],
  ['Carriageway surface problem', 'Sunken patch in the road', 18, 18, 'open', 5],
];

function builtInReport([category, title, daysAgo, hour, status, daysTaken]: BuiltIn, index: number): DemoReport {
  // Relative to a fixed day: seedDemoCases moves the latest to a few days before now.
  const requestedAt = new Date(Date.UTC(2026, 0, 1, hour) - daysAgo * 86_400_000);
  return {
    id: `demo-${index + 1}`,
    title,
    detail: '',
    category,
    status,
    requestedAt,
    updatedAt: new Date(requestedAt.getTime() + daysTaken * 86_400_000 + 2 * HOUR_MS),
    // Around Oswestry, a few hundred metres apart.
    lat: 52.857 + ((index * 37) % 19) * 0.0012,
    long: -3.056 + ((index * 53) % 23) * 0.0015,
  };
}
