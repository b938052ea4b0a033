// Open311 GeoReport v2 with mySociety's extensions, over the capabilities: the council's public
// services as Open311 services, a request as an ordinary case (routed, timed, seen by staff,
// tracked by the resident), the council's public updates for FixMyStreet to fetch, and the
// updates FixMyStreet posts back. Parameters arrive as the client sent them (text, read in
// fields.ts); each problem is an Open311Refusal with the status and words the spec's errors carry.
import crypto from 'node:crypto';
import type { CaseRecord, CasesService, NewCustomerInput } from '../../cases/service.ts';
import { isUniqueViolation, type Db } from '../../db/database.ts';
import { placeOf, propertiesByUprn } from '../../gazetteer/service.ts';
import { systemActor, type ApiKeyActor } from '../../platform/actor.ts';
import type { Translate } from '../../platform/i18n.ts';
import { isUuid } from '../../platform/ids.ts';
import type { PublicService, ServicesService } from '../../services/service.ts';
import type { ServiceForCase } from '../../services/schemas.ts';
import { FIXMYSTREET_ID_ATTRIBUTE, answersFrom, attributesOf, postedAttributes } from './attributes.ts';
import { Open311Refusal, bad, dateOf, textOf, urlsOf, type Fields } from './fields.ts';
import { caseLocationOf, postedPlace } from './location.ts';
import * as repo from './repo.ts';
import { caseStatusAfterPostedUpdate, caseStatusesFor, isUpdateStatus, requestStatusOf, updateStatusOf } from './status.ts';
import type { WireValue } from './wireFormat.ts';

/** GET requests answers at most this many, over at most this many days (the spec's defaults). */
export const REQUESTS_LIMIT = 1000;
export const REQUESTS_WINDOW_DAYS = 90;
/** GET servicerequestupdates: at most this many, by default over the last day. */
export const UPDATES_LIMIT = 1000;
const UPDATES_DEFAULT_HOURS = 24;
const MAX_IDS = 100;
const MAX_CLIENT_ID_LENGTH = 100;
/** Who reads the public catalogue for anyone who asks (GET services needs no key). */
const CATALOGUE_READER = systemActor('open311');

/**
 * The same client report sent again (FixMyStreet retries) raises one case: its id makes the
 * journey key, a UUID of the council and the id. A report without one is always new.
 */
export function submissionKeyFor(councilId: string, fixMyStreetId: string | undefined): string {
  if (fixMyStreetId === undefined) return crypto.randomUUID();
  const hash = crypto.createHash('sha256').update(`open311\u0000${councilId}\u0000${fixMyStreetId}`).digest('hex');
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}

function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

/**
 * mySociety's extended attributes of a request: OneDoor's own status, and what the app sent beside
 * the form (those whose codes can be XML element names), its report id among them.
 */
function extendedAttributesOf(record: CaseRecord, kept: repo.Open311RequestRecord | undefined): Record<string, WireValue> {
  const sent = Object.entries(kept?.attributes ?? {}).filter(([code]) => /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/.test(code));
  return {
    external_status_code: record.status,
    ...Object.fromEntries(sent),
    ...(kept?.fixMyStreetId ? { [FIXMYSTREET_ID_ATTRIBUTE]: kept.fixMyStreetId } : {}),
  };
}

/** A stored, checked upload to keep as the request's photo. */
export interface Media {
  key: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

export interface Dependencies {
  cases: Pick<CasesService, 'raise' | 'list' | 'publicChanges' | 'addUpdate'>;
  services: Pick<ServicesService, 'publicCatalogue' | 'picker' | 'forCase'>;
  /** The council whose services are listed to anyone (the resident portal's council). */
  portalCouncil: () => Promise<string | undefined>;
  now?: () => Date;
}

/** OneDoor's names for what was refused, as the Open311 parameter the client sent. */
const OPEN311_NAMES: Record<string, string> = {
  location: 'address_id',
  givenName: 'first_name',
  familyName: 'last_name',
  serviceCode: 'service_code',
};

/** Why Invalid answers from the cases capability were refused, as one line: `field: key` pairs. */
export function describeProblems(problems: { field: string; message: string }[], say: (key: string) => string): string {
  return problems
    .map(({ field, message }) => {
      const name = field.startsWith('answers.')
        ? `attribute[${field.slice('answers.'.length)}]`
        : (OPEN311_NAMES[field] ?? field);
      return `${name}: ${say(message)}`;
    })
    .join('; ');
}

export function createOpen311Service(db: Db, dependencies: Dependencies) {
  const now = dependencies.now ?? (() => new Date());
  const { cases, services } = dependencies;

  async function publicCouncil(): Promise<string> {
    const councilId = await dependencies.portalCouncil();
    if (!councilId) throw new Open311Refusal(404, 'jurisdiction_id: this OneDoor has no council yet');
    return councilId;
  }

  /** A public, active service of the council by its code, with its form; 404 for any other. */
  async function requireService(councilId: string, code: string | undefined): Promise<ServiceForCase> {
    if (code === undefined) throw bad('service_code is required');
    const service = await services.forCase(councilId, code);
    if (!service?.public) throw new Open311Refusal(404, `service_code ${code} was not found`);
    return service;
  }

  function presentService(service: PublicService, group: string): WireValue {
    return {
      service_code: service.code,
      service_name: service.name,
      description: service.description || service.name,
      // Every service has a definition: at least the fixmystreet_id FixMyStreet sets.
      metadata: true,
      type: 'realtime',
      keywords: '',
      group,
      groups: group ? [group] : [],
    };
  }

  async function presentRequests(records: CaseRecord[], extensions: boolean): Promise<WireValue[]> {
    const [kept, properties] = await Promise.all([
      repo.requestsOf(
        db,
        records.map((record) => record.id),
      ),
      records.length === 0
        ? new Map()
        : propertiesByUprn(
            db,
            records[0]!.councilId,
            records.flatMap((record) => (record.uprn === null ? [] : [record.uprn])),
          ),
    ]);
    return records.map((record) => {
      const open311 = kept.get(record.id);
      const property = record.uprn === null ? undefined : properties.get(record.uprn);
      const value: Record<string, WireValue> = {
        service_request_id: record.reference,
        status: requestStatusOf(record.status),
        service_name: record.service.name,
        service_code: record.service.code,
        description: record.description,
        agency_responsible: record.organisation.name,
        requested_datetime: iso(record.receivedAt),
        updated_datetime: iso(record.updatedAt),
        expected_datetime: iso(record.dueAt),
        address: property?.label ?? open311?.addressString ?? '',
        address_id: record.uprn === null ? '' : String(record.uprn),
        zipcode: property?.postcode ?? '',
        lat: record.location?.lat ?? null,
        long: record.location?.long ?? null,
        media_url: open311?.mediaUrls[0] ?? '',
      };
      if (extensions) value.extended_attributes = extendedAttributesOf(record, open311);
      return value;
    });
  }

  /** The codes of the council's public services: the only cases Open311 shows. */
  async function publicCodes(councilId: string): Promise<string[]> {
    return (await services.publicCatalogue(councilId)).map((service) => service.code);
  }

  /** A request (a case of a public service) by its id, the case reference; undefined when the key may not see it. */
  async function findRequest(key: ApiKeyActor, id: string): Promise<CaseRecord | undefined> {
    const [record] = await cases.list(key, {
      references: [id.trim().toUpperCase()],
      serviceCodes: await publicCodes(key.councilId),
      limit: 1,
    });
    return record;
  }

  return {
    /** The council's public services, each with its team as its group: two reads, however many services. */
    async services(): Promise<WireValue[]> {
      const councilId = await publicCouncil();
      const [catalogue, active] = await Promise.all([
        services.publicCatalogue(councilId),
        services.picker(CATALOGUE_READER, councilId),
      ]);
      const teamOf = new Map(active.map((service) => [service.code, service.teamName]));
      return catalogue.map((service) => presentService(service, teamOf.get(service.code) ?? ''));
    },

    /** A public service's definition: its form as attributes. */
    async definition(code: string): Promise<WireValue> {
      const service = await requireService(await publicCouncil(), code);
      return { service_code: service.code, attributes: attributesOf(service.questions) as unknown as WireValue[] };
    },

    /**
     * Raises a case from a posted request. `media` is the photo already checked and stored (the
     * caller removes it when this throws or `isNew` is false: the same report sent again).
     */
    async raise(key: ApiKeyActor, fields: Fields, media: Media | undefined, say: Translate) {
      const councilId = key.councilId;
      const service = await requireService(councilId, textOf(fields, 'service_code'));
      const attributes = postedAttributes(fields);
      const place = postedPlace(fields, attributes);
      const description = textOf(fields, 'description');
      if (description === undefined) throw bad('description is required');
      const mediaUrls = urlsOf(fields, 'media_url');
      const location = caseLocationOf(
        place,
        place.uprn !== undefined && (await placeOf(db, councilId, { uprn: place.uprn })) !== undefined,
      );

      // What OneDoor sets from the request itself, said in the request's own words when it is missing.
      if (!location && service.questions.some((question) => question.kind === 'location' && question.required))
        throw bad(`service_code ${service.code} needs a place: lat and long, or address_id (address_string alone is not enough)`);
      if (!media && service.questions.some((question) => question.kind === 'file' && question.required))
        throw bad(`service_code ${service.code} needs a photo: send it as media`);

      const { answers, others } = answersFrom(service.questions, attributes);
      const typed: Record<string, unknown> = { ...answers };
      for (const question of service.questions) {
        if (question.kind === 'location' && location) typed[question.code] = location;
        if (question.kind === 'file' && media) typed[question.code] = media.key;
      }

      const newCustomer = newCustomerOf(fields);
      const fixMyStreetId = textOf(others, FIXMYSTREET_ID_ATTRIBUTE);
      if (fixMyStreetId && fixMyStreetId.length > MAX_CLIENT_ID_LENGTH)
        throw bad(`attribute[fixmystreet_id] must be at most ${MAX_CLIENT_ID_LENGTH} characters`);
      delete others[FIXMYSTREET_ID_ATTRIBUTE];
      const jurisdictionId = textOf(fields, 'jurisdiction_id')?.slice(0, 200) ?? null;

      const raised = await cases.raise(
        key,
        {
          serviceCode: service.code,
          description,
          channel: 'web',
          ...(location ? { location } : {}),
          answers: typed,
          ...(media ? { attachments: [{ ...media, visibility: 'internal' as const }] } : {}),
        },
        {
          submission: { key: submissionKeyFor(councilId, fixMyStreetId), ...(newCustomer ? { newCustomer } : {}) },
          alongside: async (trx, created) =>
            await repo.insertRequest(trx, {
              caseId: created.id,
              councilId: created.councilId,
              apiKeyId: key.id,
              jurisdictionId,
              fixMyStreetId: fixMyStreetId ?? null,
              attributes: others,
              addressString: place.addressString ?? null,
              mediaUrls,
            }),
        },
      );
      return {
        isNew: raised.isNew,
        answer: [
          {
            service_request_id: raised.reference,
            service_notice: say('open311.serviceNotice', { count: service.slaWorkingDays }),
            account_id: raised.customerId ?? '',
          },
        ] satisfies WireValue[],
      };
    },

    /** The council's requests (cases of its public services) matching the query, newest first. */
    async requests(key: ApiKeyActor, fields: Fields): Promise<WireValue[]> {
      const codes = await publicCodes(key.councilId);
      const ids = textOf(fields, 'service_request_id');
      const extensions = textOf(fields, 'extensions') === 'true';
      if (ids !== undefined) {
        const references = [...new Set(ids.split(',').map((id) => id.trim().toUpperCase()))].filter(Boolean);
        if (references.length > MAX_IDS) throw bad(`service_request_id may name at most ${MAX_IDS} requests`);
        const records = await cases.list(key, { references, serviceCodes: codes, limit: MAX_IDS });
        return await presentRequests(records, extensions);
      }
      const wanted = textOf(fields, 'service_code');
      const serviceCodes =
        wanted === undefined
          ? codes
          : wanted
              .split(',')
              .map((code) => code.trim())
              .filter((code) => codes.includes(code));
      const statusText = textOf(fields, 'status');
      const statuses = statusText === undefined ? undefined : caseStatusesFor(statusText);
      if (statusText !== undefined && statuses === undefined) throw bad(`status ${statusText} is not an Open311 request status`);
      const end = dateOf(fields, 'end_date') ?? now();
      const start = dateOf(fields, 'start_date') ?? new Date(end.getTime() - REQUESTS_WINDOW_DAYS * 86_400_000);
      if (start > end) throw bad('start_date must not be after end_date');
      if (end.getTime() - start.getTime() > REQUESTS_WINDOW_DAYS * 86_400_000)
        throw bad(`start_date and end_date may not span more than ${REQUESTS_WINDOW_DAYS} days`);
      const records = await cases.list(key, {
        serviceCodes,
        ...(statuses ? { statuses } : {}),
        receivedFrom: start,
        receivedTo: end,
        limit: REQUESTS_LIMIT,
      });
      return await presentRequests(records, extensions);
    },

    /** One request by its id (the case reference); 404 when the key may not see it. */
    async request(key: ApiKeyActor, id: string, fields: Fields): Promise<WireValue[]> {
      const record = await findRequest(key, id);
      if (!record) throw new Open311Refusal(404, `service_request_id ${id} was not found`);
      return await presentRequests([record], textOf(fields, 'extensions') === 'true');
    },

    /** Requests are made at once, so a token is the request's own id. */
    async token(key: ApiKeyActor, token: string): Promise<WireValue[]> {
      const record = await findRequest(key, token);
      if (!record) throw new Open311Refusal(404, `token ${token} was not found`);
      return [{ service_request_id: record.reference, token }];
    },

    /** mySociety's GET servicerequestupdates: the public updates and status changes in the window on the council's requests. */
    async updates(key: ApiKeyActor, fields: Fields): Promise<WireValue[]> {
      const end = dateOf(fields, 'end_date') ?? now();
      const start = dateOf(fields, 'start_date') ?? new Date(end.getTime() - UPDATES_DEFAULT_HOURS * 3_600_000);
      if (start > end) throw bad('start_date must not be after end_date');
      // Only of the cases Open311 shows: those of the council's public services.
      const changes = await cases.publicChanges(key, {
        from: start,
        to: end,
        limit: UPDATES_LIMIT,
        serviceCodes: await publicCodes(key.councilId),
      });
      // What a client posted is its own: it is not sent back to it as the council's.
      const posted = await repo.postedUpdateIds(
        db,
        changes.flatMap((change) => (change.updateId && isUuid(change.updateId) ? [change.updateId] : [])),
      );
      return changes
        .filter((change) => !(change.updateId && posted.has(change.updateId)))
        .map((change) => ({
          update_id: change.eventId,
          service_request_id: change.reference,
          status: updateStatusOf(change.status),
          external_status_code: change.status,
          description: change.body ?? '',
          updated_datetime: iso(change.occurredAt),
          media_url: '',
        }));
    },

    /**
     * mySociety's POST servicerequestupdates: a resident's update from the client onto the case.
     * REOPEN (or OPEN) reopens a resolved or closed case, as a public update; anything else is an
     * internal note for the officers. The same client update sent again is recorded once.
     */
    async postUpdate(key: ApiKeyActor, fields: Fields): Promise<WireValue[]> {
      const id = textOf(fields, 'service_request_id');
      if (id === undefined) throw bad('service_request_id is required');
      const externalId = textOf(fields, 'update_id') ?? textOf(postedAttributes(fields), FIXMYSTREET_ID_ATTRIBUTE);
      if (externalId === undefined) throw bad('update_id is required');
      if (externalId.length > MAX_CLIENT_ID_LENGTH) throw bad(`update_id must be at most ${MAX_CLIENT_ID_LENGTH} characters`);
      const statusText = textOf(fields, 'status')?.toUpperCase();
      if (statusText === undefined) throw bad('status is required');
      if (!isUpdateStatus(statusText)) throw bad(`status ${statusText} is not an Open311 update status`);
      const updatedAt = dateOf(fields, 'updated_datetime');
      if (updatedAt === undefined) throw bad('updated_datetime is required');
      const description = textOf(fields, 'description');
      if (description === undefined) throw bad('description is required');
      const mediaUrl = urlsOf(fields, 'media_url')[0] ?? null;
      const name = [textOf(fields, 'first_name'), textOf(fields, 'last_name')].filter(Boolean).join(' ').slice(0, 200) || null;
      const email = textOf(fields, 'email')?.slice(0, 320) ?? null;

      const record = await findRequest(key, id);
      if (!record) throw new Open311Refusal(404, `service_request_id ${id} was not found`);
      const sent = await repo.findPostedUpdate(db, record.id, externalId);
      if (sent) return [{ update_id: sent.id }];

      const to = caseStatusAfterPostedUpdate(record.status, statusText);
      let updateId: string | undefined;
      try {
        await cases.addUpdate(
          key,
          record.reference,
          // A reopening is told to the resident who reported it; anything else is for the officers.
          to
            ? { text: description, visibility: 'public', status: to }
            : { text: name ? `${name}: ${description}` : description, visibility: 'internal' },
          {
            alongside: async (trx, change) => {
              updateId = await repo.insertPostedUpdate(trx, {
                caseId: change.caseId,
                councilId: change.councilId,
                apiKeyId: key.id,
                externalUpdateId: externalId,
                caseUpdateId: change.updateId,
                status: statusText,
                description,
                name,
                email,
                mediaUrl,
                updatedDatetime: updatedAt,
              });
            },
          },
        );
      } catch (error) {
        // The same update sent twice at once: the unique index let one through, which is the answer.
        if (!isUniqueViolation(error, 'open311_updates_case_id_external_update_id_key')) throw error;
        const first = await repo.findPostedUpdate(db, record.id, externalId);
        if (!first) throw error;
        return [{ update_id: first.id }];
      }
      return [{ update_id: updateId ?? '' }];
    },
  };
}

/**
 * The reporter as a new customer record, when they left a way to reach them: their full name is
 * then needed, as first_name and last_name or as one of them holding both (split at its last space).
 */
export function newCustomerOf(fields: Fields): NewCustomerInput | undefined {
  const email = textOf(fields, 'email');
  const phone = textOf(fields, 'phone');
  if (email === undefined && phone === undefined) return undefined;
  let givenName = textOf(fields, 'first_name');
  let familyName = textOf(fields, 'last_name');
  if (givenName === undefined || familyName === undefined) {
    const whole = [givenName, familyName].filter(Boolean).join(' ');
    const split = whole.lastIndexOf(' ');
    if (split < 1) throw bad('first_name and last_name are required with an email or phone');
    givenName = whole.slice(0, split);
    familyName = whole.slice(split + 1);
  }
  return { givenName, familyName, ...(email ? { email } : {}), ...(phone ? { phone } : {}), preferredLanguage: 'en' };
}

export type Open311Service = ReturnType<typeof createOpen311Service>;
