// The composition root: every capability's service, built once over the database and handed to
// the HTTP layer. Routes see these services, never the database.
import { sql } from 'kysely';
import type { Config } from './config.ts';
import { createAppointmentFiguresService } from './appointments/figures.ts';
import { createQueueService } from './appointments/queue.ts';
import { createAppointmentsService } from './appointments/service.ts';
import { createSitesService } from './appointments/sites.ts';
import { createCasesService } from './cases/service.ts';
import { createResidentRequests } from './cases/residentRequests.ts';
import { createComplaintMonitoring } from './complaints/monitoring.ts';
import { createComplaintSelfAssessment } from './complaints/selfAssessment.ts';
import { createComplaintsService } from './complaints/service.ts';
import { createContactsService } from './contacts/service.ts';
import { createCustomerIn, createCustomersService } from './customers/service.ts';
import type { Db } from './db/database.ts';
import { migrationsAreCurrent } from './db/migrate.ts';
import { createGazetteerService } from './gazetteer/service.ts';
import { createOpen311Service } from './integration/open311/service.ts';
import { createInboundEmailService } from './integration/email/service.ts';
import { createCalendarService } from './services/calendarService.ts';
import { createKnowledgeService } from './services/knowledge.ts';
import { createServicesService } from './services/service.ts';
import { findFirstCouncil, findOrganisation } from './organisations/repo.ts';
import { createOrganisationsService } from './organisations/service.ts';
import { createPerformanceDashboard } from './performance/dashboard.ts';
import { createPerformanceReport } from './performance/report.ts';
import { createPerformanceService } from './performance/service.ts';
import { createPerformanceSettingsService } from './performance/settings.ts';
import { createApiKeysService } from './platform/apiKeys/service.ts';
import { createAuditService } from './platform/audit/service.ts';
import { createAuthService } from './platform/auth/service.ts';
import { directoryFileStore } from './platform/files/store.ts';
import { createNotificationsService } from './platform/notifications/service.ts';
import { createWebhooksService } from './integration/webhooks/service.ts';
import { countHit } from './platform/rateLimits.ts';
import { ensureSecret } from './platform/secrets.ts';
import { PostgresSessionStore } from './platform/sessions.ts';
import { createOneLoginClient } from './portal/accounts/oneLogin.ts';
import { createResidentAccountsService } from './portal/accounts/service.ts';

const BRANDING_TTL_MS = 60_000;

export async function createServices(db: Db, config: Config) {
  const sessionSecret = await ensureSecret(db, 'session-cookie');

  // The council's name appears on every page; it changes rarely, so each node reads it once a minute.
  let branding:
    { value: { councilName: string; councilNameCy: string | null }; councilId: string | undefined; at: number } | undefined;
  async function readBranding() {
    if (!branding || Date.now() - branding.at > BRANDING_TTL_MS) {
      const council = await findFirstCouncil(db);
      branding = {
        value: { councilName: council?.name ?? config.councilName, councilNameCy: council?.nameCy ?? null },
        councilId: council?.id,
        at: Date.now(),
      };
    }
    return branding;
  }
  const currentBranding = async () => (await readBranding()).value;
  /** The council whose resident portal this is: the first council, as the branding names. */
  const portalCouncil = async (): Promise<string | undefined> => (await readBranding()).councilId;

  const customers = createCustomersService(db);
  const catalogue = createServicesService(db);
  const calendar = createCalendarService(db);
  const cases = createCasesService(db, {
    services: catalogue,
    calendar,
    findCustomer: (actor, id) => customers.mayReferTo(actor, id),
    notificationAddress: (id) => customers.notificationAddress(id),
    createCustomer: createCustomerIn,
    publicUrl: config.publicUrl,
  });
  let migrationsCurrent = false;
  return {
    config,
    organisations: createOrganisationsService(db),
    auth: createAuthService(db),
    audit: createAuditService(db),
    gazetteer: createGazetteerService(db),
    customers,
    services: catalogue,
    calendar,
    knowledge: createKnowledgeService(db),
    cases,
    complaints: createComplaintsService(db, {
      services: catalogue,
      calendar,
      findCustomer: (actor, id) => customers.mayReferTo(actor, id),
      notificationAddress: (id) => customers.notificationAddress(id),
      createCustomer: createCustomerIn,
      publicUrl: config.publicUrl,
    }),
    /** Booking appointments at the one-stop shops and the bus; reminders and no-shows. */
    appointments: createAppointmentsService(db, {
      findCustomer: (actor, id) => customers.mayReferTo(actor, id),
      notificationAddress: (id) => customers.notificationAddress(id),
      createCustomer: createCustomerIn,
      publicUrl: config.publicUrl,
    }),
    /** Arrivals at the sites (kiosk, reception, walk-ins) and the queue advisors call from. */
    appointmentQueue: createQueueService(db),
    /** Face-to-face figures: seen within 10 minutes, walk-in waits, no-shows. */
    appointmentFigures: createAppointmentFiguresService(db),
    /** Setting up appointments: the sites, their weeks and closures and counters, and the services that take them. */
    sites: createSitesService(db),
    /** The performance indicators, targets and Red/Amber/Green statuses. */
    performance: createPerformanceService(db),
    /** The live dashboards: each team's queue and SLA state now, today's contacts against a typical day. */
    performanceDashboard: createPerformanceDashboard(db),
    /** The period report: indicators, charts and the action tracker, as a page, CSV and PDF. */
    performanceReport: createPerformanceReport(db),
    /** What the report shows beside the computed figures: targets, indicators kept by hand, the action tracker. */
    performanceSettings: createPerformanceSettingsService(db),
    /** Complaint figures for the period asked, and the yearly self-assessment against the Code. */
    complaintMonitoring: createComplaintMonitoring(db),
    complaintSelfAssessment: createComplaintSelfAssessment(db),
    contacts: createContactsService(db, { findCustomer: (actor, id) => customers.findForContact(actor, id) }),
    /** Email from the council's mail relay or mailbox: onto a case, a customer's contacts, or the unmatched list. */
    inboundEmail: createInboundEmailService(db, {
      findCustomer: (actor, id) => customers.mayReferTo(actor, id),
      findCouncil: async (code) => (code ? await findOrganisation(db, code) : await findFirstCouncil(db)),
    }),
    apiKeys: createApiKeysService(db),
    /** Residents' portal accounts, and the requests on their customer records. */
    residentAccounts: createResidentAccountsService(db, { portalCouncil, publicUrl: config.publicUrl }),
    residentRequests: createResidentRequests(db),
    /** GOV.UK One Login for residents, when configured (nothing is fetched from it until first used). */
    oneLogin: config.oneLogin ? createOneLoginClient(config.oneLogin, config.publicUrl) : undefined,
    notifications: createNotificationsService(db),
    /** Open311 GeoReport v2 (FixMyStreet and other apps): the catalogue, requests as cases, and their updates. */
    open311: createOpen311Service(db, { cases, services: catalogue, portalCouncil }),
    /** Webhook subscriptions: other systems told of cases and complaints as they happen. */
    webhooks: createWebhooksService(db),
    /** Uploaded files, kept outside the web root; records hold their keys. */
    files: directoryFileStore(config.filesDir),
    sessions: {
      secret: sessionSecret,
      store: new PostgresSessionStore(db, {
        idleMs: config.session.idleMinutes * 60_000,
        absoluteMs: config.session.absoluteHours * 3_600_000,
      }),
    },
    countHit: (key: string, windowMs: number) => countHit(db, key, windowMs),
    branding: currentBranding,
    portalCouncil,
    health: {
      async ready() {
        try {
          await sql`select 1`.execute(db);
        } catch {
          return { database: false, migrations: migrationsCurrent };
        }
        // Applied migrations are never unapplied, so once current the check need not be repeated.
        migrationsCurrent ||= await migrationsAreCurrent(db).catch(() => false);
        return { database: true, migrations: migrationsCurrent };
      },
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
