// The database as Kysely sees it, typed by hand beside the migrations (one interface per table).
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface OrganisationsTable {
  id: Generated<string>;
  code: string;
  name: string;
  name_cy: string | null;
  kind: 'council' | 'partner';
  council_id: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TeamsTable {
  id: Generated<string>;
  organisation_id: string;
  code: string;
  name: string;
  name_cy: string | null;
  email: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StaffUsersTable {
  id: Generated<string>;
  organisation_id: string;
  email: string;
  name: string;
  roles: string[];
  password_hash: string;
  must_change_password: Generated<boolean>;
  password_changed_at: Generated<Date>;
  active: Generated<boolean>;
  deactivated_at: Timestamp | null;
  mfa_secret: string | null;
  mfa_enabled_at: Timestamp | null;
  mfa_last_step: number | null;
  last_signed_in_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  created_at: CreatedAt;
}

export interface RoleSettingsTable {
  role: string;
  mfa_required: boolean;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SessionsTable {
  id: string;
  user_id: string | null;
  resident_account_id: ColumnType<string | null, string | null | undefined, string | null>;
  data: unknown;
  expires_at: Timestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, never, Date | string>;
}

export interface SignInThrottlesTable {
  key: string;
  failures: number;
  window_started_at: Timestamp;
  locked_until: Timestamp | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, never, Date | string>;
}

export interface RateLimitCountersTable {
  key: string;
  count: number;
  window_ends_at: Timestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, never, Date | string>;
}

export interface AppSecretsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

export interface SitesTable {
  id: Generated<string>;
  organisation_id: string;
  code: string;
  name: string;
  name_cy: string | null;
  kind: 'one_stop_shop' | 'mobile_bus';
  address_line1: string | null;
  town: string | null;
  postcode: string | null;
  /** Minutes after an appointment's time before someone who has not arrived is marked as not come. */
  no_show_grace_minutes: Generated<number>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AuditEventsTable {
  id: ColumnType<number, never, never>;
  occurred_at: ColumnType<Date, never, never>;
  organisation_id: string | null;
  actor_type: 'staff' | 'system' | 'api_key' | 'resident' | 'anonymous';
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  ip: string | null;
  changes: unknown;
  details: unknown;
}

export interface PropertiesTable {
  uprn: number;
  council_id: string;
  address_line1: string;
  address_line2: string | null;
  town: string;
  postcode: string;
  latitude: number | null;
  longitude: number | null;
  ward: string | null;
  address_text: ColumnType<string, never, never>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type CustomerKind = 'person' | 'organisation';

export interface CustomersTable {
  id: Generated<string>;
  council_id: string;
  kind: CustomerKind;
  title: string | null;
  given_name: string | null;
  family_name: string | null;
  organisation_name: string | null;
  date_of_birth: string | null;
  preferred_language: Generated<string>;
  preferred_contact_method: 'email' | 'phone' | 'sms' | 'letter' | null;
  needs: Generated<string[]>;
  interpreter_language: string | null;
  adjustments: string | null;
  merged_into: string | null;
  merged_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CustomerPreviousNamesTable {
  id: Generated<string>;
  customer_id: string;
  given_name: string;
  family_name: string;
  created_at: CreatedAt;
}

export interface CustomerNameWordsTable {
  word: string;
  created_at: CreatedAt;
}

export interface CustomerEmailsTable {
  id: Generated<string>;
  customer_id: string;
  email: string;
  is_primary: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CustomerPhonesTable {
  id: Generated<string>;
  customer_id: string;
  number: string;
  kind: 'mobile' | 'landline' | 'other';
  is_primary: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CustomerAddressesTable {
  id: Generated<string>;
  customer_id: string;
  uprn: number | null;
  address_line1: string;
  address_line2: string | null;
  town: string;
  postcode: string;
  is_current: Generated<boolean>;
  moved_out_on: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CustomerFlagsTable {
  id: Generated<string>;
  customer_id: string;
  reason: string;
  details: string | null;
  review_on: string;
  raised_by: string | null;
  ended_at: Timestamp | null;
  ended_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CustomerConsentsTable {
  id: Generated<string>;
  customer_id: string;
  organisation_id: string;
  shares: string[];
  purpose: string | null;
  given_on: string;
  recorded_by: string | null;
  withdrawn_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CustomerNotesTable {
  id: Generated<string>;
  customer_id: string;
  body: string;
  author_id: string | null;
  created_at: CreatedAt;
}

export interface ContactsTable {
  id: Generated<string>;
  council_id: string;
  customer_id: string | null;
  channel: string;
  service_code: string | null;
  reason: string | null;
  outcome: string;
  avoidable_reason: string | null;
  signposted_to: string | null;
  site_id: string | null;
  notes: string | null;
  recorded_by: string | null;
  recorded_by_api_key: string | null;
  started_at: Timestamp;
  ended_at: Timestamp;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ApiKeysTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  scopes: string[];
  created_by: string | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ApiIdempotencyKeysTable {
  api_key_id: string;
  key: string;
  request_method: string;
  request_path: string;
  request_hash: string;
  response_status: number | null;
  response_content_type: string | null;
  response_body: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  expires_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type ServicePriorityColumn = 'low' | 'normal' | 'high' | 'urgent';

export interface ServicesTable {
  id: Generated<string>;
  council_id: string;
  code: string;
  name: string;
  name_cy: string | null;
  lgsl: number | null;
  description: Generated<string>;
  description_cy: string | null;
  team_id: string;
  organisation_id: string;
  public: Generated<boolean>;
  first_contact_resolvable: Generated<boolean>;
  advisor_script: string | null;
  advisor_script_cy: string | null;
  sla_working_days: number;
  default_priority: Generated<ServicePriorityColumn>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ServiceQuestionsTable {
  id: Generated<string>;
  service_id: string;
  position: number;
  code: string;
  label: string;
  label_cy: string | null;
  hint: string | null;
  hint_cy: string | null;
  kind: 'text' | 'long_text' | 'number' | 'date' | 'yes_no' | 'choice' | 'location' | 'file';
  required: Generated<boolean>;
  options: ColumnType<unknown, string | undefined, string>;
  max_length: number | null;
  // numeric comes back from pg as a string.
  min: ColumnType<string | null, number | null | undefined, number | null>;
  max: ColumnType<string | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ServiceRoutingRulesTable {
  id: Generated<string>;
  service_id: string;
  position: number;
  ward: string | null;
  question_code: string | null;
  answer_value: string | null;
  team_id: string | null;
  priority: ServicePriorityColumn | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CasesTable {
  id: Generated<string>;
  council_id: string;
  reference: string;
  tracking_token: string;
  service_id: string;
  customer_id: string | null;
  channel: string;
  description: string;
  answers: ColumnType<Record<string, unknown>, string, string>;
  location_lat: number | null;
  location_long: number | null;
  uprn: ColumnType<string | null, number | string | null, number | string | null>;
  ward: string | null;
  status: 'submitted' | 'in_progress' | 'awaiting_customer' | 'resolved' | 'closed';
  priority: 'low' | 'normal' | 'high' | 'urgent';
  priority_rank: ColumnType<number, never, never>;
  team_id: string;
  organisation_id: string;
  assigned_to: string | null;
  received_at: Timestamp;
  due_at: Timestamp;
  due_soon_at: Timestamp;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
  escalated_at: Timestamp | null;
  linked_to: string | null;
  satisfaction: number | null;
  satisfaction_comment: string | null;
  satisfaction_at: Timestamp | null;
  created_by: string | null;
  created_by_api_key: string | null;
  submission_key: ColumnType<string | null, string | null | undefined, never>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CaseEventsTable {
  id: ColumnType<string, never, never>;
  case_id: string;
  council_id: string;
  occurred_at: ColumnType<Date, Date | string | undefined, never>;
  kind:
    | 'received'
    | 'status_changed'
    | 'public_update'
    | 'internal_note'
    | 'assigned'
    | 'routed'
    | 'escalated'
    | 'linked'
    | 'attachment_added'
    | 'satisfaction'
    | 'customer_message';
  visibility: 'public' | 'internal';
  body: string | null;
  status_from: string | null;
  status_to: string | null;
  actor_type: 'staff' | 'api_key' | 'system' | 'resident';
  actor_id: string | null;
  actor_label: string | null;
  details: ColumnType<unknown, string | null | undefined, never>;
}

export interface CaseAttachmentsTable {
  id: Generated<string>;
  case_id: string;
  council_id: string;
  file_key: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  visibility: 'public' | 'internal';
  uploaded_by: string | null;
  uploaded_by_api_key: string | null;
  created_at: CreatedAt;
}

export interface BankHolidaysTable {
  date: string;
  division: ColumnType<
    'england-and-wales' | 'scotland' | 'northern-ireland',
    'england-and-wales' | 'scotland' | 'northern-ireland' | undefined,
    never
  >;
  title: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OrganisationClosuresTable {
  id: Generated<string>;
  organisation_id: string;
  date: string;
  reason: string;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface NotificationsTable {
  id: Generated<string>;
  council_id: string;
  event: string;
  channel: 'email' | 'sms' | 'letter';
  recipient: string;
  language: 'en' | 'cy';
  template: string;
  personalisation: ColumnType<Record<string, string>, string, string>;
  subject: string | null;
  body: string;
  record_type: string | null;
  record_id: string | null;
  dedupe_key: string;
  status: Generated<'queued' | 'sending' | 'sent' | 'failed' | 'cancelled'>;
  attempts: Generated<number>;
  last_error: string | null;
  provider: string | null;
  provider_reference: string | null;
  queued_at: Generated<Date>;
  sent_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type KnowledgeAudience = 'advisor' | 'public';
export type KnowledgeStatus = 'draft' | 'published' | 'archived';

export interface KnowledgeArticlesTable {
  id: Generated<string>;
  council_id: string;
  service_id: string | null;
  audience: KnowledgeAudience;
  status: Generated<KnowledgeStatus>;
  title: string;
  body: string;
  title_cy: string | null;
  body_cy: string | null;
  version: Generated<number>;
  updated_by: string | null;
  updated_by_label: string;
  published_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** Generated from the title and body. */
  search: ColumnType<string, never, never>;
}

export interface KnowledgeArticleVersionsTable {
  id: Generated<string>;
  article_id: string;
  council_id: string;
  number: number;
  title: string;
  body: string;
  title_cy: string | null;
  body_cy: string | null;
  service_id: string | null;
  audience: KnowledgeAudience;
  author_id: string | null;
  author_label: string;
  created_at: CreatedAt;
}

export interface KnowledgeArticleFeedbackTable {
  id: Generated<string>;
  article_id: string;
  council_id: string;
  version: number;
  useful: boolean;
  comment: string | null;
  language: string;
  created_at: CreatedAt;
}

export interface ResidentAccountsTable {
  id: Generated<string>;
  council_id: string;
  customer_id: string;
  email: string;
  name: string;
  /** None for an account made by signing in with GOV.UK One Login (until a password is set). */
  password_hash: string | null;
  language: Generated<'en' | 'cy'>;
  /** The resident's GOV.UK One Login subject identifier, once linked. */
  one_login_sub: ColumnType<string | null, string | null | undefined, string | null>;
  confirmed_at: Timestamp | null;
  last_signed_in_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, never, Date | string>;
}

export type ResidentTokenPurpose = 'confirm_email' | 'reset_password';

export interface ResidentAccountTokensTable {
  id: Generated<string>;
  account_id: string;
  purpose: ResidentTokenPurpose;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export type ComplaintOutcome = 'upheld' | 'partly_upheld' | 'not_upheld';

export interface ComplaintsTable {
  id: Generated<string>;
  council_id: string;
  reference: string;
  kind: 'complaint' | 'compliment' | 'comment';
  customer_id: string | null;
  channel: string;
  category: string | null;
  service_id: string | null;
  team_id: string | null;
  description: string;
  outcome_wanted: string | null;
  adjustments: string | null;
  ombudsman_scheme: Generated<'lgsco' | 'housing'>;
  stage: 1 | 2 | null;
  status: 'open' | 'with_ombudsman' | 'closed';
  received_at: Timestamp;
  closed_at: Timestamp | null;
  ombudsman_referred_at: Timestamp | null;
  ombudsman_reference: string | null;
  ombudsman_decided_at: Timestamp | null;
  ombudsman_outcome: ComplaintOutcome | 'not_investigated' | null;
  ombudsman_maladministration: boolean | null;
  ombudsman_service_failure: boolean | null;
  satisfaction: number | null;
  satisfaction_at: Timestamp | null;
  submission_key: ColumnType<string | null, string | null | undefined, never>;
  created_by: string | null;
  created_by_api_key: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ComplaintStagesTable {
  complaint_id: string;
  stage: 1 | 2;
  council_id: string;
  received_at: Timestamp;
  acknowledge_by: Timestamp;
  acknowledged_at: Timestamp | null;
  respond_by: Timestamp;
  extended_to: Timestamp | null;
  extension_days: number | null;
  extension_reason: string | null;
  extended_at: Timestamp | null;
  handler_id: string | null;
  responded_at: Timestamp | null;
  responded_by: string | null;
  outcome: ComplaintOutcome | null;
  maladministration: boolean | null;
  service_failure: boolean | null;
  response_summary: string | null;
  acknowledged_in_time: boolean | null;
  responded_in_time: boolean | null;
  working_days_taken: number | null;
  reminded_for: Timestamp | null;
  missed_for: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ComplaintRemediesTable {
  id: Generated<string>;
  complaint_id: string;
  council_id: string;
  stage: 1 | 2 | null;
  kind: 'apology' | 'action' | 'payment';
  description: string;
  amount_pence: number | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface ComplaintLearningActionsTable {
  id: Generated<string>;
  complaint_id: string;
  council_id: string;
  description: string;
  owner_id: string;
  due_on: ColumnType<string, string, string>;
  completed_at: Timestamp | null;
  completed_by: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ComplaintEventsTable {
  id: ColumnType<string, never, never>;
  complaint_id: string;
  council_id: string;
  occurred_at: ColumnType<Date, Date | string | undefined, never>;
  kind:
    | 'received'
    | 'acknowledged'
    | 'extended'
    | 'assigned'
    | 'responded'
    | 'escalated'
    | 'closed'
    | 'referred_to_ombudsman'
    | 'ombudsman_decision'
    | 'remedy_added'
    | 'learning_added'
    | 'learning_completed'
    | 'satisfaction'
    | 'note';
  stage: 1 | 2 | null;
  body: string | null;
  actor_type: 'staff' | 'api_key' | 'system';
  actor_id: string | null;
  actor_label: string | null;
  details: ColumnType<unknown, string | null | undefined, never>;
}

export interface ComplaintSelfAssessmentsTable {
  council_id: string;
  year: number;
  requirement: string;
  status: 'met' | 'partly_met' | 'not_met';
  evidence: string | null;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SiteHoursTable {
  id: Generated<string>;
  site_id: string;
  /** ISO weekday: 1 is Monday. */
  weekday: number;
  /** HH:MM:SS, London time. */
  opens: string;
  closes: string;
  place: string | null;
  created_at: CreatedAt;
}

export interface SiteClosuresTable {
  site_id: string;
  date: ColumnType<string, string, string>;
  reason: string;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface SiteCountersTable {
  id: Generated<string>;
  site_id: string;
  name: string;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AppointmentServicesTable {
  service_id: string;
  council_id: string;
  duration_minutes: number;
  capacity: Generated<number>;
  horizon_days: Generated<number>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AppointmentServiceSitesTable {
  service_id: string;
  site_id: string;
}

export interface AppointmentServiceAdvisorsTable {
  service_id: string;
  staff_user_id: string;
}

export interface AppointmentSlotsTable {
  id: Generated<string>;
  council_id: string;
  site_id: string;
  service_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  place: string | null;
  capacity: number;
  booked: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type AppointmentStatus = 'booked' | 'cancelled' | 'arrived' | 'no_show';

export interface AppointmentsTable {
  id: Generated<string>;
  council_id: string;
  reference: string;
  slot_id: string;
  site_id: string;
  service_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  customer_id: string;
  status: Generated<AppointmentStatus>;
  channel: string;
  notes: string | null;
  manage_token: string;
  reminded_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  submission_key: ColumnType<string | null, string | null | undefined, never>;
  created_by: string | null;
  created_by_api_key: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type VisitStatus = 'waiting' | 'called' | 'seen' | 'finished' | 'left';

export interface VisitsTable {
  id: Generated<string>;
  council_id: string;
  site_id: string;
  appointment_id: string | null;
  customer_id: string | null;
  service_id: string | null;
  business_date: ColumnType<string, string, string>;
  ticket: string;
  arrived_via: 'kiosk' | 'reception';
  arrived_at: Timestamp;
  status: Generated<VisitStatus>;
  called_at: Timestamp | null;
  called_by: string | null;
  counter_id: string | null;
  seen_at: Timestamp | null;
  finished_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SiteTicketNumbersTable {
  site_id: string;
  business_date: ColumnType<string, string, string>;
  last: number;
}

export interface ContactRollupsTable {
  council_id: string;
  day: ColumnType<string, string, string>;
  channel: string;
  outcome: string;
  avoidable_reason: string;
  contacts: number;
  handling_seconds: number;
}

export interface ContactHourlyRollupsTable {
  council_id: string;
  day: ColumnType<string, string, string>;
  hour: number;
  channel: string;
  contacts: number;
}

export interface ContactRollupDeltasTable extends ContactRollupsTable {
  hour: number;
}

export interface CaseRollupsTable {
  council_id: string;
  day: ColumnType<string, string, string>;
  received: number;
  resolved: number;
  resolved_in_time: number;
  open: number;
  satisfaction_answers: number;
  satisfied: number;
  satisfaction_total: number;
}

export type CaseRollupDeltasTable = CaseRollupsTable;

export interface PerformanceTargetsTable {
  id: Generated<string>;
  council_id: string;
  indicator: string;
  period_from: ColumnType<string, string, string>;
  period_to: ColumnType<string, string, string>;
  /** numeric: read as a string by pg, written as a number. */
  target: ColumnType<string | null, number | null, number | null>;
  tolerance: ColumnType<string | null, number | null, number | null>;
  benchmark: ColumnType<string | null, number | null, number | null>;
  previous_actual: ColumnType<string | null, number | null, number | null>;
  estimated_outturn: ColumnType<string | null, number | null, number | null>;
  owner: string | null;
  comment: string | null;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PerformanceManualIndicatorsTable {
  id: Generated<string>;
  council_id: string;
  code: string;
  name: string;
  unit: 'percent' | 'number' | 'minutes' | 'days' | 'score';
  direction: 'higher' | 'lower';
  definition: Generated<string>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PerformanceManualValuesTable {
  id: Generated<string>;
  indicator_id: string;
  period_from: ColumnType<string, string, string>;
  period_to: ColumnType<string, string, string>;
  value: ColumnType<string, number, number>;
  evidence: string;
  note: string | null;
  entered_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PerformanceActionsTable {
  id: Generated<string>;
  council_id: string;
  indicator: string | null;
  title: string;
  progress: Generated<string>;
  issues: Generated<string>;
  owner: string;
  due_on: ColumnType<string, string, string>;
  status: Generated<'not_started' | 'on_track' | 'at_risk' | 'done'>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DomainEventsTable {
  id: Generated<string>;
  council_id: string;
  organisation_id: string | null;
  type: string;
  subject: string;
  data: ColumnType<Record<string, unknown>, string, string>;
  occurred_at: ColumnType<Date, Date | string | undefined, never>;
  fanned_out_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface WebhookSubscriptionsTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  url: string;
  event_types: string[];
  secret: string | null;
  status: Generated<'active' | 'paused'>;
  paused_reason: 'failures' | 'administrator' | null;
  paused_at: Timestamp | null;
  consecutive_failures: Generated<number>;
  last_delivery_at: Timestamp | null;
  last_delivery_outcome: 'delivered' | 'failed' | null;
  secret_rotated_at: Timestamp | null;
  created_by: string | null;
  deleted_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type WebhookDeliveryStatus = 'pending' | 'sending' | 'held' | 'delivered' | 'failed' | 'cancelled';

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  subscription_id: string;
  event_id: string;
  organisation_id: string;
  event_type: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  job_id: string;
  claimed_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  queued_at: ColumnType<Date, Date | string | undefined, Date | string>;
  delivered_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempted_at: ColumnType<Date, Date | string | undefined, never>;
  outcome: 'delivered' | 'failed';
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
  created_at: CreatedAt;
}

/** Email taken from the mail relay or the IMAP mailbox (0019_inbound_email). */
export interface InboundEmailsTable {
  id: Generated<string>;
  council_id: string;
  message_id: string;
  via: 'relay' | 'imap';
  from_address: string | null;
  from_name: string | null;
  subject: string | null;
  body_text: string | null;
  sent_at: Date | null;
  received_at: Timestamp;
  in_reply_to: string | null;
  automatic: Generated<boolean>;
  outcome: 'case_update' | 'contact' | 'unmatched';
  case_id: string | null;
  contact_id: string | null;
  customer_id: string | null;
  size_bytes: number;
  sha256: string;
  attachment_count: Generated<number>;
  attachment_bytes: Generated<number>;
  attachments: ColumnType<unknown, string | undefined, string | undefined>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** What a request raised through Open311 keeps beside its case (0020_open311). */
export interface Open311RequestsTable {
  case_id: string;
  council_id: string;
  api_key_id: string;
  jurisdiction_id: string | null;
  fixmystreet_id: string | null;
  attributes: ColumnType<Record<string, string>, string, string>;
  address_string: string | null;
  media_urls: ColumnType<string[], string, string>;
  created_at: CreatedAt;
}

/** An update an Open311 client (FixMyStreet) posted onto a case, once per its own update id (0020_open311). */
export interface Open311UpdatesTable {
  id: Generated<string>;
  case_id: string;
  council_id: string;
  api_key_id: string;
  external_update_id: string;
  case_update_id: string;
  status: string;
  description: string | null;
  name: string | null;
  email: string | null;
  media_url: string | null;
  updated_datetime: Timestamp | null;
  created_at: CreatedAt;
}

export interface Database {
  domain_events: DomainEventsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  organisations: OrganisationsTable;
  teams: TeamsTable;
  staff_users: StaffUsersTable;
  team_members: TeamMembersTable;
  role_settings: RoleSettingsTable;
  sessions: SessionsTable;
  sign_in_throttles: SignInThrottlesTable;
  rate_limit_counters: RateLimitCountersTable;
  app_secrets: AppSecretsTable;
  sites: SitesTable;
  audit_events: AuditEventsTable;
  properties: PropertiesTable;
  customers: CustomersTable;
  customer_previous_names: CustomerPreviousNamesTable;
  customer_name_words: CustomerNameWordsTable;
  customer_emails: CustomerEmailsTable;
  customer_phones: CustomerPhonesTable;
  customer_addresses: CustomerAddressesTable;
  customer_flags: CustomerFlagsTable;
  customer_consents: CustomerConsentsTable;
  customer_notes: CustomerNotesTable;
  contacts: ContactsTable;
  api_keys: ApiKeysTable;
  api_idempotency_keys: ApiIdempotencyKeysTable;
  services: ServicesTable;
  service_questions: ServiceQuestionsTable;
  service_routing_rules: ServiceRoutingRulesTable;
  cases: CasesTable;
  complaints: ComplaintsTable;
  complaint_stages: ComplaintStagesTable;
  complaint_remedies: ComplaintRemediesTable;
  complaint_learning_actions: ComplaintLearningActionsTable;
  complaint_events: ComplaintEventsTable;
  complaint_self_assessments: ComplaintSelfAssessmentsTable;
  case_events: CaseEventsTable;
  case_attachments: CaseAttachmentsTable;
  bank_holidays: BankHolidaysTable;
  organisation_closures: OrganisationClosuresTable;
  notifications: NotificationsTable;
  knowledge_articles: KnowledgeArticlesTable;
  knowledge_article_versions: KnowledgeArticleVersionsTable;
  knowledge_article_feedback: KnowledgeArticleFeedbackTable;
  resident_accounts: ResidentAccountsTable;
  resident_account_tokens: ResidentAccountTokensTable;
  site_hours: SiteHoursTable;
  site_closures: SiteClosuresTable;
  site_counters: SiteCountersTable;
  appointment_services: AppointmentServicesTable;
  appointment_service_sites: AppointmentServiceSitesTable;
  appointment_service_advisors: AppointmentServiceAdvisorsTable;
  appointment_slots: AppointmentSlotsTable;
  appointments: AppointmentsTable;
  visits: VisitsTable;
  site_ticket_numbers: SiteTicketNumbersTable;
  contact_rollups: ContactRollupsTable;
  contact_hourly_rollups: ContactHourlyRollupsTable;
  contact_rollup_deltas: ContactRollupDeltasTable;
  case_rollups: CaseRollupsTable;
  case_rollup_deltas: CaseRollupDeltasTable;
  performance_targets: PerformanceTargetsTable;
  performance_manual_indicators: PerformanceManualIndicatorsTable;
  performance_manual_values: PerformanceManualValuesTable;
  performance_actions: PerformanceActionsTable;
  inbound_emails: InboundEmailsTable;
  open311_requests: Open311RequestsTable;
  open311_updates: Open311UpdatesTable;
}

export type OrganisationRow = Selectable<OrganisationsTable>;
export type TeamRow = Selectable<TeamsTable>;
export type StaffUserRow = Selectable<StaffUsersTable>;
export type NewStaffUserRow = Insertable<StaffUsersTable>;
export type StaffUserUpdate = Updateable<StaffUsersTable>;
