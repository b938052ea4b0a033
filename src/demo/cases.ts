// The demo council's past cases: the real FixMyStreet reports made around Oswestry (see
// ../shared/data/README.md) become cases of the services their categories map onto, with the
// timelines they had — received, passed to the team, updated, resolved and closed — moved in time
// so that the newest arrived yesterday. Queues and reports then show real shapes of demand.
// The reports are personal data: they are read from the reference data at seed time, never kept
// in the repository. Without the file there is no history, and nothing else changes.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { newCaseReference, newTrackingToken } from '../cases/reference.ts';
import type { CaseStatus } from '../cases/lifecycle.ts';
import type { Db } from '../db/database.ts';
import { addWorkingDays } from '../services/calendar.ts';
import { fixMyStreetServiceCode } from './services.ts';
import { referenceDataDir } from './gazetteer.ts';

export const FIXMYSTREET_FILE = 'fixmystreet_oswestry_reports.csv';
const ROWS_PER_STATEMENT = 500;

interface Report {
  service_request_id: string;
  title: string;
  detail: string;
  service_name: string;
  status: string;
  requested_datetime: string;
  updated_datetime: string;
  agency_sent_datetime: string;
  lat: string;
  long: string;
}

/** FixMyStreet's states as the case lifecycle has them. */
function statusOf(report: Report): CaseStatus {
  switch (report.status) {
    case 'confirmed':
    case 'investigating':
    case 'in progress':
    case 'action scheduled':
      return 'in_progress';
    case 'fixed':
    case 'closed':
    case 'duplicate':
    case 'not responsible':
    case 'unable to fix':
    case 'internal referral':
      return 'closed';
    default:
      return 'submitted';
  }
}

export async function seedDemoCases(db: Db, councilId: string, options: { now?: Date; dataDir?: string } = {}): Promise<number> {
  const file = path.join(options.dataDir ?? referenceDataDir(), FIXMYSTREET_FILE);
  if (!fs.existsSync(file)) return 0;
  const already = await db.selectFrom('cases').select('id').where('council_id', '=', councilId).limit(1).executeTakeFirst();
  if (already) return 0;

  const reports = (parse(fs.readFileSync(file), { columns: true, skip_empty_lines: true }) as Report[]).filter(
    (report) => !Number.isNaN(Date.parse(report.requested_datetime)),
  );
  if (reports.length === 0) return 0;
  const services = new Map(
    (
      await db
        .selectFrom('services as s')
        .innerJoin('teams as t', 't.id', 's.team_id')
        .select(['s.id', 's.code', 's.team_id', 's.organisation_id', 's.sla_working_days', 's.default_priority'])
        .where('s.council_id', '=', councilId)
        .execute()
    ).map((service) => [service.code, service]),
  );
  const holidays = new Set(
    (await db.selectFrom('bank_holidays').select(sql<string>`to_char(date, 'YYYY-MM-DD')`.as('day')).execute()).map((row) => row.day),
  );

  const now = options.now ?? new Date();
  const newest = Math.max(...reports.map((report) => Date.parse(report.requested_datetime)));
  const shift = now.getTime() - 86_400_000 - newest;
  const moved = (text: string) => new Date(Date.parse(text) + shift);

  const cases: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  for (const report of reports) {
    const service = services.get(fixMyStreetServiceCode(report.service_name));
    if (!service) continue;
    const id = crypto.randomUUID();
    const receivedAt = moved(report.requested_datetime);
    const sentAt = report.agency_sent_datetime ? moved(report.agency_sent_datetime) : receivedAt;
    const updatedAt = report.updated_datetime ? moved(report.updated_datetime) : receivedAt;
    const status = statusOf(report);
    const { dueAt, dueSoonAt } = addWorkingDays(receivedAt, service.sla_working_days, holidays);
    const lat = Number(report.lat);
    const long = Number(report.long);
    cases.push({
      id,
      council_id: councilId,
      reference: newCaseReference(),
      tracking_token: newTrackingToken(),
      service_id: service.id,
      channel: 'web',
      description: [report.title, report.detail].filter((part) => part && part.trim() !== '').join('\n\n').slice(0, 10_000) || report.service_name,
      answers: JSON.stringify({}),
      location_lat: Number.isFinite(lat) ? lat : null,
      location_long: Number.isFinite(lat) && Number.isFinite(long) ? long : null,
      status,
      priority: service.default_priority,
      team_id: service.team_id,
      organisation_id: service.organisation_id,
      received_at: receivedAt,
      due_at: dueAt,
      due_soon_at: dueSoonAt,
      resolved_at: status === 'closed' ? updatedAt : null,
      closed_at: status === 'closed' ? updatedAt : null,
      escalated_at: status !== 'closed' && dueAt < now ? dueAt : null,
    });
    const system = { actor_type: 'system', actor_label: 'demo:fixmystreet' };
    events.push({ case_id: id, council_id: councilId, kind: 'received', visibility: 'public', status_to: 'submitted', occurred_at: receivedAt, ...system });
    if (status !== 'submitted')
      events.push({
        case_id: id,
        council_id: councilId,
        kind: 'status_changed',
        visibility: 'public',
        status_from: 'submitted',
        status_to: 'in_progress',
        body: 'Thank you for your report. It has been passed to the team that deals with it.',
        occurred_at: sentAt,
        ...system,
      });
    if (status === 'closed') {
      const resolvedAt = updatedAt > sentAt ? updatedAt : sentAt;
      events.push(
        {
          case_id: id,
          council_id: councilId,
          kind: 'status_changed',
          visibility: 'public',
          status_from: 'in_progress',
          status_to: 'resolved',
          body: report.status === 'fixed' ? 'This has now been fixed. Thank you for letting us know.' : 'We have dealt with this report.',
          occurred_at: resolvedAt,
          ...system,
        },
        {
          case_id: id,
          council_id: councilId,
          kind: 'status_changed',
          visibility: 'public',
          status_from: 'resolved',
          status_to: 'closed',
          body: null,
          occurred_at: resolvedAt,
          ...system,
        },
      );
    }
  }
  if (cases.length === 0) return 0;

  const earliest = new Date(Math.min(...cases.map((row) => (row.received_at as Date).getTime())));
  await db.transaction().execute(async (trx) => {
    await sql`select ensure_monthly_partitions('case_events', ${earliest.toISOString().slice(0, 10)}::date, 30)`.execute(trx);
    for (let start = 0; start < cases.length; start += ROWS_PER_STATEMENT)
      await trx.insertInto('cases').values(cases.slice(start, start + ROWS_PER_STATEMENT) as never).execute();
    for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT)
      await trx.insertInto('case_events').values(events.slice(start, start + ROWS_PER_STATEMENT) as never).execute();
    // Each report's ward is its nearest property's (one index look-up each, in the database).
    await sql`
      update cases c set ward = nearest.ward
      from cases me cross join lateral (
        select p.ward from properties p
        where p.council_id = me.council_id and p.latitude between me.location_lat - 0.003 and me.location_lat + 0.003
          and p.longitude between me.location_long - 0.005 and me.location_long + 0.005
        order by power(p.latitude - me.location_lat, 2) + power((p.longitude - me.location_long) * 0.6, 2)
        limit 1
      ) nearest
      where c.id = me.id and me.council_id = ${councilId} and me.location_lat is not null
    `.execute(trx);
  });
  return cases.length;
}
