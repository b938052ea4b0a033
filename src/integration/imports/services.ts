// `onedoor import services FILE.csv`: a council's service catalogue. Columns (CONTRACT.md):
// code,name,lgsl,description,team,public,first_contact_resolvable,sla_working_days,default_priority;
// only code, name, team and sla_working_days are required. `team` is a team's code within the
// council (or `partner-code/team-code` for a partner agency's team). A row is checked by the same
// rules as the admin pages, and a code the council already uses is refused, never overwritten.
import type { Db } from '../../db/database.ts';
import { createTranslator, loadMessages } from '../../platform/i18n.ts';
import { checkService, type ServiceInput } from '../../services/checks.ts';
import * as servicesRepo from '../../services/importRepo.ts';
import { importCsv, type ImportDefinition, type ImportOptions, type ImportResult, type RowCheck } from './csv.ts';
import { quoted } from './values.ts';

export const SERVICE_COLUMNS = [
  'code',
  'name',
  'lgsl',
  'description',
  'team',
  'public',
  'first_contact_resolvable',
  'sla_working_days',
  'default_priority',
] as const;
const REQUIRED = ['code', 'name', 'team', 'sla_working_days'] as const;

/** The column each field of the rules is read from, to say which column is wrong. */
const COLUMN_OF: Record<string, string> = {
  code: 'code',
  name: 'name',
  lgsl: 'lgsl',
  description: 'description',
  public: 'public',
  firstContactResolvable: 'first_contact_resolvable',
  advisorScript: 'first_contact_resolvable',
  slaWorkingDays: 'sla_working_days',
  defaultPriority: 'default_priority',
};

// Stands in for the team until the batch is checked against the database (prepare).
const TEAM_TO_FIND = '00000000-0000-4000-8000-000000000000';

export interface ImportedService {
  input: ServiceInput;
  teamCode: string;
  organisationId?: string;
}

const english = createTranslator(loadMessages(), 'en');

export function checkServiceRow(values: Record<string, string>): RowCheck<ImportedService> {
  const teamCode = (values.team ?? '').trim().toLowerCase();
  // A service that can be resolved at first contact needs an advisor's script, which a CSV row
  // does not carry: the script is added on the service's page.
  const checked = checkService({
    code: values.code,
    name: values.name,
    lgsl: values.lgsl,
    description: values.description,
    teamId: TEAM_TO_FIND,
    public: values.public || undefined,
    firstContactResolvable: values.first_contact_resolvable || undefined,
    advisorScript: ['yes', 'true'].includes((values.first_contact_resolvable ?? '').toLowerCase())
      ? 'See the service’s page.'
      : undefined,
    slaWorkingDays: values.sla_working_days,
    defaultPriority: values.default_priority || undefined,
  });
  const problems: string[] = [];
  if (teamCode === '') problems.push('team is missing');
  if (!checked.ok) {
    for (const problem of checked.problems) {
      const column = COLUMN_OF[problem.field] ?? problem.field;
      const given = values[column] ?? '';
      problems.push(`${column}${given ? ` ${quoted(given)}` : ''}: ${english(problem.message, problem.params)}`);
    }
  }
  if (problems.length > 0 || !checked.ok) return { problems };
  return { value: { input: { ...checked.value, advisorScript: null }, teamCode } };
}

export const servicesImport: ImportDefinition<ImportedService> = {
  action: 'import.services',
  columns: SERVICE_COLUMNS,
  required: REQUIRED,
  check: (values) => checkServiceRow(values),
  uniqueBy: { key: (row) => row.input.code, describe: (row) => `the code ${quoted(row.input.code)}` },
  async prepare(db, councilId, rows) {
    const [teams, taken] = await Promise.all([
      servicesRepo.teamsServingCouncil(db, councilId),
      servicesRepo.serviceCodes(db, councilId),
    ]);
    const byCode = new Map(
      teams
        .filter((team) => team.active)
        .map((team) => [team.organisationKind === 'council' ? team.code : `${team.organisationCode}/${team.code}`, team]),
    );
    return rows.map((row) => {
      const team = byCode.get(row.teamCode);
      const problems: string[] = [];
      if (!team) problems.push(`team ${quoted(row.teamCode)} is not one of the council's teams`);
      if (taken.has(row.input.code)) problems.push(`a service with the code ${quoted(row.input.code)} already exists`);
      if (problems.length > 0 || !team) return { problems };
      return { value: { ...row, input: { ...row.input, teamId: team.id }, organisationId: team.organisationId } };
    });
  },
  async write(trx, councilId, rows) {
    await servicesRepo.insertServiceRecords(
      trx,
      councilId,
      rows.map((row) => ({ ...row.input, organisationId: row.organisationId! })),
    );
  },
};

export async function importServices(db: Db, options: ImportOptions): Promise<ImportResult> {
  return await importCsv(db, servicesImport, options);
}
