// The demo council: a fictional district council on the Shropshire–Wales border, with its
// teams, partner agencies, two one-stop shops and the mobile bus, and one demo account for each
// role (the administrator is made at first start), a gazetteer of about 20,000 addresses, about
// 2,000 customers and six months of their contacts, two years of past cases from the FixMyStreet
// reports made around Oswestry, and a year of complaints. Running it again adds only what is missing.
// Demo passwords are random and written to DATA_DIR/demo-credentials.txt, never printed.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database.ts';
import { inUnitOfWork } from '../db/unitOfWork.ts';
import { systemActor, type Role } from '../platform/actor.ts';
import * as gazetteerRepo from '../gazetteer/repo.ts';
import * as organisationsRepo from '../organisations/repo.ts';
import { createOrganisationsService, insertOrganisationAudited, temporaryPassword } from '../organisations/service.ts';
import { seedDemoCases } from './cases.ts';
import { seedDemoAppointments } from './appointments.ts';
import { seedDemoComplaints } from './complaints.ts';
import { seedDemoPerformance } from './performance.ts';
import { seedDemoCustomers } from './customers.ts';
import { seedDemoKnowledge } from './knowledge.ts';
import { buildDemoGazetteer, POSTCODES_FILE, referenceDataDir } from './gazetteer.ts';
import { FIXMYSTREET_FILE, LGSL_FILE, readLgslServices, seedDemoServices } from './services.ts';

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.txt';
export const DEMO_COUNCIL_CODE = 'severn-marches';

interface DemoOrganisation {
  code: string;
  name: string;
  nameCy: string;
  teams: { code: string; name: string; nameCy: string; email?: string }[];
}

const COUNCIL: DemoOrganisation = {
  code: DEMO_COUNCIL_CODE,
  name: 'Severn Marches District Council',
  nameCy: 'Cyngor Dosbarth Gororau Hafren',
  teams: [
    {
      code: 'customer-services',
      name: 'Customer Services',
      nameCy: 'Gwasanaethau Cwsmeriaid',
      email: 'customer.services@severn-marches.example',
    },
    { code: 'waste', name: 'Waste and Recycling', nameCy: 'Gwastraff ac Ailgylchu', email: 'waste@severn-marches.example' },
    {
      code: 'highways',
      name: 'Highways and Street Scene',
      nameCy: 'Priffyrdd a Golwg y Stryd',
      email: 'highways@severn-marches.example',
    },
    {
      code: 'revenues-benefits',
      name: 'Revenues and Benefits',
      nameCy: 'Refeniw a Budd-daliadau',
      email: 'revenues@severn-marches.example',
    },
    { code: 'planning', name: 'Planning', nameCy: 'Cynllunio', email: 'planning@severn-marches.example' },
    { code: 'housing', name: 'Housing', nameCy: 'Tai', email: 'housing@severn-marches.example' },
    { code: 'registration', name: 'Registration', nameCy: 'Cofrestru', email: 'registration@severn-marches.example' },
    {
      code: 'environmental-health',
      name: 'Environmental Health',
      nameCy: 'Iechyd yr Amgylchedd',
      email: 'env.health@severn-marches.example',
    },
    { code: 'complaints', name: 'Complaints', nameCy: 'Cwynion', email: 'complaints@severn-marches.example' },
  ],
};

const PARTNERS: DemoOrganisation[] = [
  {
    code: 'marches-police',
    name: 'West Marches Police',
    nameCy: 'Heddlu Gorllewin y Gororau',
    teams: [{ code: 'neighbourhood', name: 'Neighbourhood Policing Team', nameCy: 'Tîm Plismona Bro' }],
  },
  {
    code: 'severn-college',
    name: 'Severn Marches College',
    nameCy: 'Coleg Gororau Hafren',
    teams: [{ code: 'student-support', name: 'Student Support', nameCy: 'Cymorth i Fyfyrwyr' }],
  },
  {
    code: 'citizens-advice',
    name: 'Citizens Advice Severn Marches',
    nameCy: 'Cyngor ar Bopeth Gororau Hafren',
    teams: [{ code: 'advice-line', name: 'Advice Line', nameCy: 'Llinell Gyngor' }],
  },
  {
    code: 'jobcentre',
    name: 'Jobcentre Plus Oswestry',
    nameCy: 'Canolfan Byd Gwaith Croesoswallt',
    teams: [{ code: 'work-coaches', name: 'Work Coaches', nameCy: 'Hyfforddwyr Gwaith' }],
  },
];

const SITES = [
  {
    code: 'oswestry',
    name: 'Oswestry One Stop Shop',
    nameCy: 'Siop Un Stop Croesoswallt',
    kind: 'one_stop_shop',
    addressLine1: 'Castle View',
    town: 'Oswestry',
    postcode: 'SY11 1AB',
  },
  {
    code: 'ellesmere',
    name: 'Ellesmere One Stop Shop',
    nameCy: 'Siop Un Stop Ellesmere',
    kind: 'one_stop_shop',
    addressLine1: 'Cross Street',
    town: 'Ellesmere',
    postcode: 'SY12 0AA',
  },
  {
    code: 'bus',
    name: 'Customer Services Bus',
    nameCy: 'Bws Gwasanaethau Cwsmeriaid',
    kind: 'mobile_bus',
    addressLine1: null,
    town: null,
    postcode: null,
  },
] as const;

const DEMO_USERS: { email: string; name: string; role: Role; organisation: string; team?: string }[] = [
  {
    email: 'advisor@severn-marches.example',
    name: 'Priya Shah',
    role: 'advisor',
    organisation: DEMO_COUNCIL_CODE,
    team: 'customer-services',
  },
  { email: 'officer@severn-marches.example', name: 'Tom Evans', role: 'officer', organisation: DEMO_COUNCIL_CODE, team: 'waste' },
  {
    email: 'team-leader@severn-marches.example',
    name: 'Siân Morgan',
    role: 'team_leader',
    organisation: DEMO_COUNCIL_CODE,
    team: 'customer-services',
  },
  {
    email: 'complaints@severn-marches.example',
    name: 'Daniel Hughes',
    role: 'complaints_officer',
    organisation: DEMO_COUNCIL_CODE,
    team: 'complaints',
  },
  {
    email: 'performance@severn-marches.example',
    name: 'Grace Okafor',
    role: 'performance_analyst',
    organisation: DEMO_COUNCIL_CODE,
  },
  { email: 'dpo@severn-marches.example', name: 'Helen Davies', role: 'dpo', organisation: DEMO_COUNCIL_CODE },
  {
    email: 'partner@marches-police.example',
    name: 'Mark Williams',
    role: 'partner_worker',
    organisation: 'marches-police',
    team: 'neighbourhood',
  },
];

export interface DemoOutcome {
  councilCreated: boolean;
  usersCreated: number;
  credentialsFile: string;
  /** Gazetteer addresses added (none when the council already had a gazetteer). */
  addressesCreated: number;
  /** Customers added (none when the council already had customers), and their contacts. */
  customersCreated: number;
  contactsCreated: number;
  /** Services added to the catalogue (only those it did not have). */
  servicesCreated: number;
  /** Past cases added (only those the council did not have), and their events. */
  casesCreated: number;
  caseEventsCreated: number;
  /** Knowledge base articles added (only those it did not have). */
  articlesCreated: number;
  /** A year of complaints, compliments and comments (none when the council had some). */
  complaintsCreated: number;
  /** The next weeks' appointments at the one-stop shops and the bus (none when the council had some set up). */
  appointmentsCreated: number;
  /** This financial year's targets, two indicators kept by hand and the action tracker (none when the council had targets). */
  performanceTargetsCreated: number;
}

export async function seedDemo(
  db: Db,
  dataDir: string,
  log: (line: string) => void = (line) => console.log(line),
): Promise<DemoOutcome> {
  const actor = systemActor('demo');
  const council = await ensureOrganisation(db, COUNCIL, null);
  for (const partner of PARTNERS) await ensureOrganisation(db, partner, council.id);

  for (const site of SITES) {
    await db
      .insertInto('sites')
      .values({
        organisation_id: council.id,
        code: site.code,
        name: site.name,
        name_cy: site.nameCy,
        kind: site.kind,
        address_line1: site.addressLine1,
        town: site.town,
        postcode: site.postcode,
      })
      .onConflict((conflict) => conflict.columns(['organisation_id', 'code']).doNothing())
      .execute();
  }

  const organisations = createOrganisationsService(db);
  const created: string[] = [];
  for (const user of DEMO_USERS) {
    if (await organisationsRepo.findUserByEmail(db, user.email)) continue;
    const organisation = (await organisationsRepo.findOrganisation(db, user.organisation))!;
    const teams = user.team
      ? (await organisationsRepo.listTeams(db, 'all', organisation.id)).filter((team) => team.code === user.team)
      : [];
    const password = temporaryPassword();
    await organisations.createUser(
      actor,
      {
        name: user.name,
        email: user.email,
        organisationId: organisation.id,
        roles: [user.role],
        teams: teams.map((team) => team.id),
      },
      { password },
    );
    created.push(`${user.role.padEnd(20)} ${user.email.padEnd(36)} ${password}`);
  }

  const addressesCreated = await seedGazetteer(db, council.id, log);
  const servicesCreated = await seedDemoServices(db, council.id);
  // Said only when it made a difference: a second run, which adds nothing, says nothing of it.
  if (servicesCreated > 0 && readLgslServices().source === 'fallback') {
    log(`Demo services: ${path.join(referenceDataDir(), LGSL_FILE)} not found, so a few services written into OneDoor instead`);
  }
  const articlesCreated = await seedDemoKnowledge(db, council.id);
  let customers = { customers: 0, contacts: 0 };
  const hasCustomers = await db
    .selectFrom('customers')
    .select('id')
    .where('council_id', '=', council.id)
    .limit(1)
    .executeTakeFirst();
  if (!hasCustomers) {
    const advisor = await organisationsRepo.findUserByEmail(db, DEMO_USERS[0]!.email);
    customers = await seedDemoCustomers(db, council.id, { advisorId: advisor?.id ?? null });
  }

  const officerEmail = DEMO_USERS.find((user) => user.role === 'officer')!.email;
  const officer = await organisationsRepo.findUserByEmail(db, officerEmail);
  const officerTeam = officer
    ? await db.selectFrom('team_members').select('team_id').where('user_id', '=', officer.id).executeTakeFirst()
    : undefined;
  const cases = await seedDemoCases(db, council.id, {
    officer: officer && officerTeam ? { id: officer.id, name: officer.name, teamId: officerTeam.team_id } : null,
  });
  if (cases.cases > 0 && cases.source === 'fallback') {
    log(`Demo cases: ${path.join(referenceDataDir(), FIXMYSTREET_FILE)} not found, so a few made-up reports instead`);
  }

  // Thousands of service calls each: one unit of work apiece waits for one commit, not thousands.
  const complaints = await inUnitOfWork(db, () => seedDemoComplaints(db, council.id));
  const appointments = await inUnitOfWork(db, () => seedDemoAppointments(db, council.id));
  const performance = await seedDemoPerformance(db, council.id);

  const credentialsFile = path.join(dataDir, DEMO_CREDENTIALS_FILE);
  if (created.length > 0) {
    fs.mkdirSync(dataDir, { recursive: true });
    const heading = fs.existsSync(credentialsFile)
      ? ''
      : `Demo accounts for ${COUNCIL.name} (sign in at /staff). The administrator is in admin-credentials.txt.\n` +
        `${'role'.padEnd(20)} ${'email address'.padEnd(36)} password\n`;
    fs.appendFileSync(credentialsFile, `${heading}${created.join('\n')}\n`, { mode: 0o600 });
  }
  return {
    councilCreated: council.created,
    usersCreated: created.length,
    credentialsFile,
    addressesCreated,
    customersCreated: customers.customers,
    contactsCreated: customers.contacts,
    servicesCreated,
    casesCreated: cases.cases,
    caseEventsCreated: cases.events,
    articlesCreated,
    complaintsCreated: complaints.complaints,
    appointmentsCreated: appointments.appointments,
    performanceTargetsCreated: performance.targets,
  };
}

/** The demo gazetteer, unless the council already has one (its own, imported, is kept). */
async function seedGazetteer(db: Db, councilId: string, log: (line: string) => void): Promise<number> {
  if ((await gazetteerRepo.countProperties(db, councilId)) > 0) return 0;
  const gazetteer = buildDemoGazetteer();
  if (gazetteer.source === 'fallback') {
    log(
      `Demo gazetteer: ${path.join(referenceDataDir(), POSTCODES_FILE)} not found (set ONEDOOR_REFERENCE_DATA), ` +
        `so ${gazetteer.properties.length} addresses on a few Oswestry-area postcodes instead`,
    );
  }
  await db.transaction().execute((trx) => gazetteerRepo.upsertProperties(trx, councilId, gazetteer.properties));
  return gazetteer.properties.length;
}

async function ensureOrganisation(db: Db, organisation: DemoOrganisation, councilId: string | null) {
  const existing = await organisationsRepo.findOrganisation(db, organisation.code);
  const id =
    existing?.id ??
    (await db.transaction().execute((trx) =>
      insertOrganisationAudited(trx, systemActor('demo'), {
        code: organisation.code,
        name: organisation.name,
        nameCy: organisation.nameCy,
        kind: councilId ? 'partner' : 'council',
        councilId,
      }),
    ));
  for (const team of organisation.teams) {
    if (!(await organisationsRepo.teamCodeTaken(db, id, team.code))) {
      await organisationsRepo.insertTeam(db, { organisationId: id, ...team });
    }
  }
  return { id, created: existing === undefined };
}
