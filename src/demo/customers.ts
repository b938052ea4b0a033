// The demo council's customers and six months of their contacts: about 2,000 people living at
// gazetteer addresses (some with former names, several emails or phones, Welsh speakers, access
// needs, a few vulnerability flags and consents to share with the partner agencies), and the
// calls, visits, web forms and emails they made, with the mix of outcomes a contact centre sees
// (about three in four resolved at first contact, about one in eight avoidable), plus anonymous
// contacts. All written in one transaction, so a failed seed leaves nothing to skip over.
import { sql } from 'kysely';
import { AVOIDABLE_REASONS, CHANNELS, OUTCOMES, type Channel } from '../contacts/schemas.ts';
import { insertCustomerRecords, type NewCustomerRecord } from '../customers/importRepo.ts';
import { FLAG_REASONS, NEEDS } from '../customers/service.ts';
import type { Db, Tx } from '../db/database.ts';
import { aFormerSurname, aPerson, between, pick, seededRandom, type Random } from './people.ts';

export interface DemoCustomersOutcome {
  customers: number;
  contacts: number;
}

export interface DemoCustomersOptions {
  count?: number;
  seed?: number;
  /** The end of the contact history (now, unless said). */
  now?: Date;
  /** Who recorded assisted contacts, flags and consents (the demo advisor). */
  advisorId?: string | null;
}

const HISTORY_DAYS = 182;
const ROWS_PER_STATEMENT = 2_000;

/** [value, weight] pairs: picked in proportion to their weights. */
type Weighted<T> = readonly (readonly [T, number])[];

const CHANNEL_MIX = weigh(CHANNELS, {
  phone: 44,
  web: 20,
  face_to_face: 14,
  email: 10,
  kiosk: 3,
  mobile_bus: 3,
  letter: 2,
  chat: 3,
  social: 1,
});

const OUTCOME_MIX = weigh(OUTCOMES, {
  resolved_first_contact: 75,
  case_raised: 12,
  transferred: 5,
  signposted: 5,
  abandoned: 3,
});

const AVOIDABLE_REASON_MIX = weigh(AVOIDABLE_REASONS, {
  chasing_progress: 45,
  repeat: 20,
  unclear_information: 15,
  wrong_place: 12,
  service_not_delivered: 8,
});

const SERVICES: Weighted<readonly [string, string]> = [
  [['missed-bin', 'Missed bin collection'], 14],
  [['council-tax', 'Council Tax bill query'], 14],
  [['council-tax-support', 'Council Tax Reduction application'], 6],
  [['housing-benefit', 'Housing Benefit change of circumstances'], 6],
  [['garden-waste', 'Garden waste subscription'], 6],
  [['bulky-waste', 'Bulky waste collection'], 5],
  [['new-bins', 'New or replacement bin'], 5],
  [['pothole', 'Pothole report'], 5],
  [['fly-tipping', 'Fly-tipping report'], 4],
  [['housing-register', 'Housing register application'], 5],
  [['homelessness', 'At risk of homelessness'], 3],
  [['planning-application', 'Planning application enquiry'], 4],
  [['parking-permit', 'Residents’ parking permit'], 3],
  [['street-lighting', 'Street light not working'], 2],
  [['noise', 'Noise nuisance'], 3],
  [['blue-badge', 'Blue Badge application'], 3],
  [['registration', 'Register a birth or death'], 2],
  [['licensing', 'Taxi or premises licence'], 2],
  [['general-enquiry', 'General enquiry'], 5],
];

const INTERPRETER_LANGUAGES = [
  'Polish',
  'Romanian',
  'Urdu',
  'Punjabi',
  'Arabic',
  'Lithuanian',
  'Portuguese',
  'Tigrinya',
] as const;
const ADJUSTMENTS = [
  'Prefers appointments in the afternoon.',
  'Please speak slowly and face them: lip-reads.',
  'Uses a wheelchair: book the ground-floor room.',
  'Call their daughter first; she helps with letters.',
  'Send letters in a plain envelope.',
  'Anxious on the phone: offer a call back.',
] as const;
const FLAG_DETAILS: Record<(typeof FLAG_REASONS)[number], string> = {
  bereavement: 'Husband died recently; handle council tax changes gently.',
  domestic_abuse: 'Do not disclose address to anyone. Speak only to the customer.',
  financial_hardship: 'In arrears after losing work; refer to money advice.',
  mental_health: 'Finds letters distressing: phone first.',
  physical_health: 'Housebound after surgery.',
  safeguarding: 'Referred to adult social care; check in at each contact.',
  communication: 'Profoundly deaf: use text relay or email.',
  other: 'Recently left care; may need help with forms.',
};
const NOTES = [
  'Customer called back as promised.',
  'Explained how to report online next time.',
  'Advised of collection day change.',
  'Payment arrangement agreed.',
  'Passed details to the team; customer happy to wait.',
  'Gave leaflet in Welsh.',
] as const;

// Handling time by channel, in minutes: [shortest, longest].
const MINUTES: Record<Channel, [number, number]> = {
  phone: [2, 18],
  face_to_face: [5, 30],
  web: [2, 12],
  email: [3, 15],
  kiosk: [1, 8],
  mobile_bus: [5, 25],
  letter: [5, 20],
  social: [2, 10],
  chat: [3, 20],
};

/** Channels a member of staff handles (the others the customer serves themselves through). */
const ASSISTED: ReadonlySet<Channel> = new Set(['phone', 'face_to_face', 'email', 'mobile_bus', 'letter', 'social', 'chat']);

export async function seedDemoCustomers(
  db: Db,
  councilId: string,
  options: DemoCustomersOptions = {},
): Promise<DemoCustomersOutcome> {
  const random = seededRandom(options.seed ?? 1_777);
  const now = options.now ?? new Date();
  const advisorId = options.advisorId ?? null;
  const count = options.count ?? 2_000;

  const properties = await db
    .selectFrom('properties')
    .select(['uprn', 'address_line1', 'address_line2', 'town', 'postcode'])
    .where('council_id', '=', councilId)
    .orderBy('uprn')
    .execute();
  const sites = await db.selectFrom('sites').select(['id', 'code', 'kind']).where('organisation_id', '=', councilId).execute();
  const partners = await db
    .selectFrom('organisations')
    .select('id')
    .where('council_id', '=', councilId)
    .orderBy('code')
    .execute();

  // Contacts older than the partitions made by the migration go in monthly partitions of their
  // own; if that is refused (rows already in the default partition), they go in the default.
  await sql`select ensure_monthly_partitions('contacts', ${dayOffset(now, -HISTORY_DAYS - 31)}::date, 8)`
    .execute(db)
    .catch(() => undefined);

  const records: NewCustomerRecord[] = [];
  for (let i = 0; i < count; i++) {
    const home = properties.length > 0 ? properties[Math.floor(random() * properties.length)]! : undefined;
    records.push(
      aCustomerRecord(
        random,
        home && {
          uprn: home.uprn,
          line1: home.address_line1,
          line2: home.address_line2 ?? undefined,
          town: home.town,
          postcode: home.postcode,
        },
      ),
    );
  }

  return await db.transaction().execute(async (trx) => {
    const ids = await insertCustomerRecords(trx, councilId, records);
    await addFlagsAndConsents(trx, random, ids, partners, advisorId, now);
    const contacts = contactHistory(random, councilId, ids, { sites, partners, advisorId, now });
    for (let start = 0; start < contacts.length; start += ROWS_PER_STATEMENT) {
      await trx
        .insertInto('contacts')
        .values(contacts.slice(start, start + ROWS_PER_STATEMENT))
        .execute();
    }
    return { customers: ids.length, contacts: contacts.length };
  });
}

function aCustomerRecord(random: Random, address: NewCustomerRecord['address']): NewCustomerRecord {
  const person = aPerson(random);
  const record: NewCustomerRecord = {
    kind: 'person',
    title: person.title,
    givenName: person.givenName,
    familyName: person.familyName,
    dateOfBirth: person.dateOfBirth,
    preferredLanguage: random() < 0.09 ? 'cy' : 'en',
    address,
    emails: [],
    phones: [],
  };
  if (random() < 0.72) record.emails!.push(person.email);
  if (random() < 0.08) record.emails!.push(person.email.replace(/@.*/, '@work.example.org'));
  const mobile = { number: e164(person.mobile), kind: 'mobile' as const };
  const landline = { number: e164(person.landline), kind: 'landline' as const };
  const phoneKind = random();
  if (phoneKind < 0.55) record.phones!.push(mobile);
  else if (phoneKind < 0.75) record.phones!.push(landline);
  else if (phoneKind < 0.92) record.phones!.push(mobile, landline);
  if (record.phones!.length > 0 || record.emails!.length > 0) {
    record.preferredContactMethod = pick(random, ['email', 'phone', 'sms', 'letter'] as const);
    if (record.preferredContactMethod === 'email' && record.emails!.length === 0) record.preferredContactMethod = 'phone';
    if (record.preferredContactMethod !== 'email' && record.phones!.length === 0) record.preferredContactMethod = 'letter';
  }
  if (random() < 0.1) {
    const needs = new Set([pick(random, NEEDS)]);
    if (random() < 0.25) needs.add(pick(random, NEEDS));
    record.needs = [...needs];
    if (needs.has('interpreter')) record.interpreterLanguage = pick(random, INTERPRETER_LANGUAGES);
    if (random() < 0.5) record.adjustments = pick(random, ADJUSTMENTS);
  }
  const age = 2025 - Number(person.dateOfBirth.slice(0, 4));
  if (person.sex === 'female' && age > 28 && random() < 0.15) {
    record.previousNames = [{ givenName: person.givenName, familyName: aFormerSurname(random, person.familyName) }];
  }
  return record;
}

async function addFlagsAndConsents(
  trx: Tx,
  random: Random,
  customerIds: string[],
  partners: { id: string }[],
  advisorId: string | null,
  now: Date,
): Promise<void> {
  const flags = customerIds
    .filter(() => random() < 0.015)
    .map((customerId) => {
      const reason = pick(random, FLAG_REASONS);
      return {
        customer_id: customerId,
        reason,
        details: FLAG_DETAILS[reason],
        // Most are due for review in the next three months; a few are overdue.
        review_on: dayOffset(now, between(random, -10, 90)),
        raised_by: advisorId,
      };
    });
  if (flags.length > 0) await trx.insertInto('customer_flags').values(flags).execute();

  if (partners.length === 0) return;
  const consents = customerIds
    .filter(() => random() < 0.025)
    .map((customerId) => ({
      customer_id: customerId,
      organisation_id: pick(random, partners).id,
      shares: random() < 0.5 ? ['contact_details'] : ['contact_details', 'needs'],
      purpose: pick(random, [
        'Referral for money advice',
        'Support into work',
        'Neighbourhood policing follow-up',
        'College course enquiry',
      ]),
      given_on: dayOffset(now, -between(random, 1, 300)),
      recorded_by: advisorId,
    }));
  if (consents.length > 0) await trx.insertInto('customer_consents').values(consents).execute();
}

function contactHistory(
  random: Random,
  councilId: string,
  customerIds: string[],
  context: {
    sites: { id: string; code: string; kind: string }[];
    partners: { id: string }[];
    advisorId: string | null;
    now: Date;
  },
) {
  const siteFor = (channel: Channel): string | null => {
    const code =
      channel === 'mobile_bus'
        ? 'bus'
        : channel === 'kiosk'
          ? 'oswestry'
          : channel === 'face_to_face'
            ? random() < 0.6
              ? 'oswestry'
              : 'ellesmere'
            : undefined;
    return context.sites.find((site) => site.code === code)?.id ?? null;
  };

  const contactOf = (customerId: string | null) => {
    const channel = weighted(random, CHANNEL_MIX);
    let outcome = weighted(random, OUTCOME_MIX);
    if (outcome === 'abandoned' && !['phone', 'web', 'chat'].includes(channel)) outcome = 'resolved_first_contact';
    if (outcome === 'signposted' && context.partners.length === 0) outcome = 'transferred';
    const [serviceCode, reason] = weighted(random, SERVICES);
    const startedAt = startTime(random, channel, context.now);
    const [shortest, longest] = MINUTES[channel];
    const endedAt = new Date(startedAt.getTime() + between(random, shortest * 60, longest * 60) * 1000);
    return {
      council_id: councilId,
      customer_id: customerId,
      channel,
      service_code: serviceCode,
      reason,
      outcome,
      avoidable_reason: outcome !== 'abandoned' && random() < 0.135 ? weighted(random, AVOIDABLE_REASON_MIX) : null,
      signposted_to: outcome === 'signposted' ? pick(random, context.partners).id : null,
      site_id: siteFor(channel),
      notes: outcome !== 'abandoned' && random() < 0.15 ? pick(random, NOTES) : null,
      recorded_by: ASSISTED.has(channel) ? context.advisorId : null,
      started_at: startedAt,
      ended_at: endedAt > context.now ? context.now : endedAt,
    };
  };

  const contacts = [];
  for (const customerId of customerIds) {
    // Most people contact the council once or twice in six months; a few, many times.
    const times = Math.floor(-Math.log(1 - random()) * 2.2);
    for (let i = 0; i < Math.min(times, 12); i++) contacts.push(contactOf(customerId));
  }
  const anonymous = Math.round(customerIds.length * 0.6);
  for (let i = 0; i < anonymous; i++) contacts.push(contactOf(null));
  return contacts;
}

/** When a contact began: staff channels in opening hours on weekdays; the web at any hour. */
function startTime(random: Random, channel: Channel, now: Date): Date {
  for (;;) {
    const day = new Date(now.getTime() - between(random, 0, HISTORY_DAYS) * 86_400_000);
    const weekday = day.getUTCDay();
    const selfService = !ASSISTED.has(channel) && channel !== 'kiosk';
    if (!selfService && (weekday === 0 || weekday === 6)) continue;
    const minutes = selfService ? between(random, 6 * 60, 23 * 60) : between(random, 8 * 60 + 30, 16 * 60 + 45);
    const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 0, minutes));
    if (start.getTime() < now.getTime() - 60 * 60_000) return start;
  }
}

/** Each of `values` with its weight: one left out is a type error. */
function weigh<T extends string>(values: readonly T[], weights: Record<T, number>): Weighted<T> {
  return values.map((value) => [value, weights[value]] as const);
}

function weighted<T>(random: Random, items: Weighted<T>): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll < 0) return item;
  }
  return items[items.length - 1]![0];
}

function dayOffset(from: Date, days: number): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** "07912 123456" -> "+447912123456". */
function e164(national: string): string {
  return `+44${national.replace(/\s/g, '').slice(1)}`;
}
