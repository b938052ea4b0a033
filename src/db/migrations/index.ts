// Every migration, in order. Listed here rather than read from the directory so that the set
// is fixed at build time and /readyz can tell whether the database is current.
import type { Migration } from 'kysely';
import * as platform from './0001_platform.ts';
import * as customers from './0002_customers.ts';
import * as api from './0003_api.ts';
import * as services from './0004_services.ts';
import * as notifications from './0007_notifications.ts';
import * as cases from './0008_cases.ts';
import * as calendar from './0006_calendar.ts';
import * as knowledge from './0009_knowledge.ts';
import * as casesQueue from './0010_cases_queue.ts';
import * as knowledgeFeedback from './0011_knowledge_feedback.ts';
import * as caseSubmissions from './0012_case_submissions.ts';
import * as residentAccounts from './0013_resident_accounts.ts';
import * as oneLogin from './0014_one_login.ts';
import * as complaints from './0015_complaints.ts';
import * as appointments from './0016_appointments.ts';
import * as performance from './0017_performance.ts';
import * as webhooks from './0018_webhooks.ts';
import * as inboundEmail from './0019_inbound_email.ts';
import * as open311 from './0020_open311.ts';
import * as notificationsSending from './0021_notifications_sending.ts';

export const migrations: Record<string, Migration> = {
  '0001_platform': platform,
  '0002_customers': customers,
  '0003_api': api,
  '0004_services': services,
  '0006_calendar': calendar,
  '0007_notifications': notifications,
  '0008_cases': cases,
  '0009_knowledge': knowledge,
  '0010_cases_queue': casesQueue,
  '0011_knowledge_feedback': knowledgeFeedback,
  '0012_case_submissions': caseSubmissions,
  '0013_resident_accounts': residentAccounts,
  '0014_one_login': oneLogin,
  '0015_complaints': complaints,
  '0016_appointments': appointments,
  '0017_performance': performance,
  '0018_webhooks': webhooks,
  '0019_inbound_email': inboundEmail,
  '0020_open311': open311,
  '0021_notifications_sending': notificationsSending,
};
