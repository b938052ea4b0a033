// Builds the web application from its parts, top to bottom. No logic lives here.
import formBody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { appointmentsApiRoutes } from './appointments/api.routes.ts';
import { displayRoutes } from './appointments/display.routes.ts';
import { figuresStaffRoutes } from './appointments/figures.staff.routes.ts';
import { kioskRoutes } from './appointments/kiosk.routes.ts';
import { queueStaffRoutes } from './appointments/queue.staff.routes.ts';
import { appointmentsStaffRoutes, customerAppointments } from './appointments/staff.routes.ts';
import { sitesStaffRoutes } from './appointments/sites.staff.routes.ts';
import { appointmentPortalRoutes } from './appointments/portal.routes.ts';
import { casesApiRoutes } from './cases/api.routes.ts';
import { casesQueueStaffRoutes } from './cases/queue.staff.routes.ts';
import { casesStaffRoutes } from './cases/staff.routes.ts';
import { complaintsApiRoutes } from './complaints/api.routes.ts';
import { complaintsMonitoringStaffRoutes } from './complaints/monitoring.staff.routes.ts';
import { complaintPortalRoutes } from './complaints/portal.routes.ts';
import { complaintsStaffRoutes } from './complaints/staff.routes.ts';
import { contactsApiRoutes } from './contacts/api.routes.ts';
import { contactsStaffRoutes } from './contacts/staff.routes.ts';
import { customersApiRoutes } from './customers/api.routes.ts';
import { customerRecordStaffRoutes } from './customers/staff.manage.routes.ts';
import { customersStaffRoutes } from './customers/staff.routes.ts';
import { inboundEmailApiRoutes } from './integration/email/api.routes.ts';
import { inboundEmailStaffRoutes } from './integration/email/staff.routes.ts';
import { OPEN311_PREFIX, open311Routes } from './integration/open311/open311.routes.ts';
import { organisationsStaffRoutes } from './organisations/staff.routes.ts';
import { performanceApiRoutes } from './performance/api.routes.ts';
import { dashboardStaffRoutes } from './performance/dashboard.staff.routes.ts';
import { performanceReportStaffRoutes } from './performance/report.staff.routes.ts';
import { performanceSettingsStaffRoutes } from './performance/settings.staff.routes.ts';
import type { AssetManifest } from './platform/assets.ts';
import { apiKeyApiRoutes } from './platform/apiKeys/api.routes.ts';
import { apiKeysStaffRoutes } from './platform/apiKeys/staff.routes.ts';
import { PROJECT_ROOT, defaultAssetsDirectory } from './platform/assets.ts';
import { auditStaffRoutes } from './platform/audit/staff.routes.ts';
import { staffAuthRoutes } from './platform/auth/staff.routes.ts';
import { apiRoutes, setUpApi } from './platform/http/api.ts';
import { setUpStaffAuthentication } from './platform/http/authentication.ts';
import { setUpCsrf } from './platform/http/csrf.ts';
import { setUpErrorHandling } from './platform/http/errors.ts';
import { setUpHealthChecks } from './platform/http/health.ts';
import { setUpLanguage } from './platform/http/language.ts';
import { loggerOptions } from './platform/http/logging.ts';
import { setUpMetrics } from './platform/http/metrics.ts';
import { setUpRateLimits } from './platform/http/rateLimits.ts';
import { setUpWebSecurity } from './platform/http/security.ts';
import { setUpSessions } from './platform/http/sessions.ts';
import { setUpStaticAssets } from './platform/http/staticAssets.ts';
import { setUpUploads } from './platform/http/uploads.ts';
import { setUpViews } from './platform/http/views.ts';
import { notificationsStaffRoutes } from './platform/notifications/staff.routes.ts';
import { webhooksStaffRoutes } from './integration/webhooks/staff.routes.ts';
import { portalRoutes } from './portal/portal.routes.ts';
import { accountRoutes } from './portal/accounts/accounts.routes.ts';
import { oneLoginRoutes } from './portal/accounts/oneLogin.routes.ts';
import { journeyRoutes } from './portal/journeys.routes.ts';
import { trackingRoutes } from './portal/tracking.routes.ts';
import type { Services } from './services.ts';
import { servicesApiRoutes } from './services/api.routes.ts';
import { servicesStaffRoutes } from './services/staff.routes.ts';
import { calendarStaffRoutes } from './services/calendar.staff.routes.ts';
import { knowledgeStaffRoutes } from './services/knowledge.staff.routes.ts';
import { staffNavigation } from './staff/navigation.ts';
import { staffHomeRoutes } from './staff/staff.routes.ts';
import './platform/http/types.ts';

export async function buildServer(config: Config, services: Services, manifest: AssetManifest): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
  });

  setUpHealthChecks(app, services.health);
  setUpMetrics(app, config.metricsToken);
  await setUpWebSecurity(app, {
    https: config.publicUrl.startsWith('https:'),
    imageSources: config.mapTiles ? [config.mapTiles.source] : [],
  });
  await setUpStaticAssets(app, { built: defaultAssetsDirectory(), projectRoot: PROJECT_ROOT });
  await app.register(cookie);
  await app.register(formBody);
  setUpLanguage(app);
  await setUpViews(app, {
    projectRoot: PROJECT_ROOT,
    manifest,
    production: config.production,
    branding: services.branding,
    staffNavigation,
  });
  setUpErrorHandling(app);

  // Pages: sessions, sign-in, CSRF and rate limits apply here only, not to assets, health checks or the API.
  await app.register(async (pages) => {
    await setUpSessions(pages, services.sessions);
    setUpStaffAuthentication(pages, services.auth);
    await setUpUploads(pages, { maxBytes: config.uploadMaxBytes });
    await setUpCsrf(pages);
    await setUpRateLimits(pages, services.countHit);

    await pages.register(portalRoutes, {
      services: services.services,
      knowledge: services.knowledge,
      portalCouncil: services.portalCouncil,
      journeys: config.journeys,
    });
    if (config.journeys)
      await pages.register(journeyRoutes, {
        services: services.services,
        cases: services.cases,
        gazetteer: services.gazetteer,
        files: services.files,
        portalCouncil: services.portalCouncil,
        residentOf: (request) => services.residentAccounts.residentOf(request),
        mapTiles: config.mapTiles,
      });
    await pages.register(complaintPortalRoutes, {
      complaints: services.complaints,
      services: services.services,
      portalCouncil: services.portalCouncil,
      residentOf: (request) => services.residentAccounts.residentOf(request),
    });
    await pages.register(appointmentPortalRoutes, {
      appointments: services.appointments,
      portalCouncil: services.portalCouncil,
      residentOf: (request) => services.residentAccounts.residentOf(request),
    });
    await pages.register(trackingRoutes, { cases: services.cases, files: services.files });
    await pages.register(accountRoutes, {
      accounts: services.residentAccounts,
      requests: services.residentRequests,
      oneLogin: services.oneLogin !== undefined,
    });
    if (services.oneLogin)
      await pages.register(oneLoginRoutes, { accounts: services.residentAccounts, oneLogin: services.oneLogin });
    await pages.register(staffAuthRoutes, { auth: services.auth });
    await pages.register(staffHomeRoutes);
    await pages.register(organisationsStaffRoutes, { organisations: services.organisations });
    await pages.register(auditStaffRoutes, { audit: services.audit });
    await pages.register(customersStaffRoutes, {
      customers: services.customers,
      gazetteer: services.gazetteer,
      casesOf: services.cases.casesOfCustomer,
      complaintsOf: services.complaints.ofCustomer,
      appointmentsOf: customerAppointments(services.appointments),
    });
    await pages.register(customerRecordStaffRoutes, {
      customers: services.customers,
      gazetteer: services.gazetteer,
      organisations: services.organisations,
    });
    await pages.register(contactsStaffRoutes, { contacts: services.contacts });
    await pages.register(inboundEmailStaffRoutes, {
      inboundEmail: services.inboundEmail,
      searchCustomers: async (actor, text) => (await services.customers.search(actor, text, 10)).hits,
    });
    await pages.register(notificationsStaffRoutes, { notifications: services.notifications });
    await pages.register(apiKeysStaffRoutes, {
      apiKeys: services.apiKeys,
      administeredOrganisations: services.organisations.administeredOrganisations,
    });
    await pages.register(webhooksStaffRoutes, {
      webhooks: services.webhooks,
      administeredOrganisations: services.organisations.administeredOrganisations,
    });
    await pages.register(servicesStaffRoutes, { services: services.services });
    await pages.register(calendarStaffRoutes, { calendar: services.calendar });
    await pages.register(casesQueueStaffRoutes, { cases: services.cases });
    await pages.register(casesStaffRoutes, {
      cases: services.cases,
      services: services.services,
      gazetteer: services.gazetteer,
      findCustomer: (actor, id) => services.customers.findForContact(actor, id),
      files: services.files,
      articlesFor: async (actor, service) =>
        (await services.knowledge.forService(actor, service.id)).map((article) => ({
          href: `/staff/knowledge/${article.id}`,
          title: article.title,
        })),
    });
    await pages.register(knowledgeStaffRoutes, { knowledge: services.knowledge });
    await pages.register(complaintsStaffRoutes, {
      complaints: services.complaints,
      services: services.services,
      findCustomer: (actor, id) => services.customers.findForContact(actor, id),
    });
    await pages.register(complaintsMonitoringStaffRoutes, {
      monitoring: services.complaintMonitoring,
      selfAssessment: services.complaintSelfAssessment,
    });
    await pages.register(appointmentsStaffRoutes, {
      appointments: services.appointments,
      findCustomer: (actor, id) => services.customers.findForContact(actor, id),
    });
    await pages.register(kioskRoutes, { queue: services.appointmentQueue });
    await pages.register(displayRoutes, { queue: services.appointmentQueue });
    await pages.register(queueStaffRoutes, {
      queue: services.appointmentQueue,
      findCustomer: (actor, id) => services.customers.findForContact(actor, id),
    });
    await pages.register(figuresStaffRoutes, { figures: services.appointmentFigures });
    await pages.register(sitesStaffRoutes, { sites: services.sites });
    await pages.register(dashboardStaffRoutes, { dashboard: services.performanceDashboard });
    await pages.register(performanceReportStaffRoutes, { report: services.performanceReport });
    await pages.register(performanceSettingsStaffRoutes, { settings: services.performanceSettings });
  });

  // The JSON API: API keys instead of sessions, problem JSON instead of pages.
  await setUpApi(app, {
    apiKeys: services.apiKeys,
    countHit: services.countHit,
    routes: [
      apiRoutes(apiKeyApiRoutes, { apiKeys: services.apiKeys }),
      apiRoutes(customersApiRoutes, { customers: services.customers, casesOf: services.cases.casesOfCustomer }),
      apiRoutes(contactsApiRoutes, { contacts: services.contacts }),
      apiRoutes(casesApiRoutes, { cases: services.cases }),
      apiRoutes(complaintsApiRoutes, { complaints: services.complaints }),
      apiRoutes(appointmentsApiRoutes, { appointments: services.appointments }),
      apiRoutes(performanceApiRoutes, { performance: services.performance }),
      apiRoutes(servicesApiRoutes, { services: services.services }),
      apiRoutes(inboundEmailApiRoutes, { inboundEmail: services.inboundEmail }),
    ],
  });

  // Open311 GeoReport v2 (FixMyStreet): its own api_key, XML or JSON, the spec's errors.
  await app.register(open311Routes, {
    prefix: OPEN311_PREFIX,
    open311: services.open311,
    apiKeys: services.apiKeys,
    countHit: services.countHit,
    files: services.files,
    uploadMaxBytes: config.uploadMaxBytes,
    publicUrl: config.publicUrl,
    councilName: async () => (await services.branding()).councilName,
  });

  return app;
}
