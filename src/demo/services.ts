// The demo council's service catalogue: the services a district council provides from the Local
// Government Services List (the shared reference list, read where it lies; a few written here
// when it is absent), and the services the 96 FixMyStreet categories of the Oswestry reports are
// reported to, each with a location question, sensible questions, a target in working days and
// a few routing rules. Seeding again adds only the services that are missing.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/database.ts';
import { systemActor } from '../platform/actor.ts';
import { slug } from '../services/checks.ts';
import type { ChoiceOption, Priority, QuestionKind } from '../services/schemas.ts';
import { createServicesService } from '../services/service.ts';
import * as servicesRepo from '../services/repo.ts';
import { referenceDataDir } from './gazetteer.ts';

export const LGSL_FILE = 'lgsl_services_subset.csv';
export const FIXMYSTREET_FILE = 'fixmystreet_oswestry_reports.csv';

interface DemoQuestion {
  code: string;
  label: string;
  labelCy: string;
  kind: QuestionKind;
  required?: boolean;
  hint?: string;
  hintCy?: string;
  options?: [string, string][];
  min?: number;
  max?: number;
}

interface DemoRule {
  ward?: string;
  question?: [string, string];
  /** A team's code in the council, or `agency/team` for a partner's. */
  team?: string;
  priority?: Priority;
}

export interface DemoService {
  code: string;
  name: string;
  nameCy: string;
  team: string;
  sla: number;
  lgsl?: number;
  priority?: Priority;
  public?: boolean;
  /** Advisors can usually resolve it there and then: the script says how. */
  firstContact?: boolean;
  questions?: DemoQuestion[];
  rules?: DemoRule[];
}

const WHERE: DemoQuestion = {
  code: 'location',
  label: 'Where is the problem?',
  labelCy: 'Ble mae’r broblem?',
  kind: 'location',
  required: true,
  hint: 'Choose the place on the map, or the nearest address',
  hintCy: 'Dewiswch y lle ar y map, neu’r cyfeiriad agosaf',
};
const DANGEROUS: DemoQuestion = {
  code: 'dangerous',
  label: 'Is it putting anyone in danger now?',
  labelCy: 'Ydy e’n peryglu unrhyw un nawr?',
  kind: 'yes_no',
  required: true,
};
const yesNo = (code: string, label: string, labelCy: string): DemoQuestion => ({
  code,
  label,
  labelCy,
  kind: 'yes_no',
  required: true,
});
const choice = (code: string, label: string, labelCy: string, options: [string, string][]): DemoQuestion => ({
  code,
  label,
  labelCy,
  kind: 'choice',
  required: true,
  options,
});

/** The services FixMyStreet reports go to: public, each asking where. */
const REPORTED_SERVICES: DemoService[] = [
  {
    code: 'potholes',
    name: 'Report a pothole',
    nameCy: 'Rhoi gwybod am dwll yn y ffordd',
    team: 'highways',
    sla: 10,
    questions: [
      WHERE,
      DANGEROUS,
      choice('size', 'How big is it?', 'Pa mor fawr yw e?', [
        ['Smaller than a dinner plate', 'Llai na phlât cinio'],
        ['Larger than a dinner plate', 'Mwy na phlât cinio'],
        ['Wider than a car wheel', 'Lletach nag olwyn car'],
      ]),
    ],
    rules: [{ question: ['dangerous', 'yes'], priority: 'urgent' }],
  },
  {
    code: 'road-surface',
    name: 'Report a road or pavement surface problem',
    nameCy: 'Rhoi gwybod am broblem ag wyneb ffordd neu balmant',
    team: 'highways',
    sla: 20,
    questions: [WHERE, DANGEROUS],
    rules: [{ question: ['dangerous', 'yes'], priority: 'high' }],
  },
  {
    code: 'street-lights',
    name: 'Report a street light problem',
    nameCy: 'Rhoi gwybod am broblem â golau stryd',
    team: 'highways',
    sla: 10,
    questions: [
      WHERE,
      {
        code: 'column_number',
        label: 'What number is on the lamp post?',
        labelCy: 'Pa rif sydd ar y postyn lamp?',
        kind: 'text',
        hint: 'Optional: it is usually on a small plate',
        hintCy: 'Dewisol: mae fel arfer ar blât bach',
      },
      yesNo(
        'wires_exposed',
        'Can you see bare wires or an open door on the post?',
        'Allwch chi weld gwifrau noeth neu ddrws agored ar y postyn?',
      ),
    ],
    rules: [{ question: ['wires_exposed', 'yes'], priority: 'urgent' }],
  },
  {
    code: 'road-signs',
    name: 'Report a road sign, bollard or barrier problem',
    nameCy: 'Rhoi gwybod am broblem ag arwydd ffordd, bolard neu rwystr',
    team: 'highways',
    sla: 20,
    questions: [WHERE, DANGEROUS],
    rules: [{ question: ['dangerous', 'yes'], priority: 'high' }],
  },
  {
    code: 'traffic-signals',
    name: 'Report a traffic light fault',
    nameCy: 'Rhoi gwybod am nam ar oleuadau traffig',
    team: 'highways',
    sla: 5,
    priority: 'high',
    questions: [WHERE, yesNo('all_out', 'Are all the lights out?', 'Ydy’r holl oleuadau wedi diffodd?')],
    rules: [{ question: ['all_out', 'yes'], priority: 'urgent' }],
  },
  {
    code: 'drains-flooding',
    name: 'Report a blocked drain or flooding',
    nameCy: 'Rhoi gwybod am ddraen wedi’i blocio neu lifogydd',
    team: 'highways',
    lgsl: 664,
    sla: 10,
    questions: [
      WHERE,
      yesNo('property_flooding', 'Is water getting into a home or business?', 'Ydy dŵr yn mynd i mewn i gartref neu fusnes?'),
    ],
    rules: [{ question: ['property_flooding', 'yes'], priority: 'urgent' }],
  },
  {
    code: 'highway-vegetation',
    name: 'Report overgrown trees, hedges or verges by a road',
    nameCy: 'Rhoi gwybod am goed, gwrychoedd neu leiniau sydd wedi gordyfu ger ffordd',
    team: 'highways',
    sla: 20,
    questions: [
      WHERE,
      yesNo('blocks_view', 'Does it block drivers’ view or the pavement?', 'Ydy e’n rhwystro golwg gyrwyr neu’r palmant?'),
    ],
    rules: [{ question: ['blocks_view', 'yes'], priority: 'high' }],
  },
  {
    code: 'winter-gritting',
    name: 'Report a grit bin or gritting problem',
    nameCy: 'Rhoi gwybod am broblem â bin graean neu raeanu',
    team: 'highways',
    sla: 10,
    questions: [WHERE],
  },
  {
    code: 'road-spillage',
    name: 'Report mud or a spillage on the road',
    nameCy: 'Rhoi gwybod am fwd neu golled ar y ffordd',
    team: 'highways',
    lgsl: 591,
    sla: 5,
    priority: 'high',
    questions: [WHERE, DANGEROUS],
    rules: [{ question: ['dangerous', 'yes'], priority: 'urgent' }],
  },
  {
    code: 'other-highways',
    name: 'Report another road or pavement problem',
    nameCy: 'Rhoi gwybod am broblem arall â ffordd neu balmant',
    team: 'highways',
    sla: 20,
    questions: [WHERE, DANGEROUS],
    rules: [{ question: ['dangerous', 'yes'], priority: 'high' }],
  },
  {
    code: 'street-name-plates',
    name: 'Report a damaged or missing street name plate',
    nameCy: 'Rhoi gwybod am blât enw stryd sydd wedi’i ddifrodi neu ar goll',
    team: 'highways',
    lgsl: 541,
    sla: 20,
    questions: [WHERE],
  },
  {
    code: 'street-cleaning',
    name: 'Report litter or a street that needs cleaning',
    nameCy: 'Rhoi gwybod am sbwriel neu stryd sydd angen ei glanhau',
    team: 'highways',
    lgsl: 580,
    sla: 10,
    questions: [WHERE, yesNo('broken_glass', 'Is there broken glass?', 'Oes gwydr wedi torri?')],
    rules: [{ question: ['broken_glass', 'yes'], priority: 'high' }],
  },
  {
    code: 'graffiti',
    name: 'Report graffiti',
    nameCy: 'Rhoi gwybod am graffiti',
    team: 'highways',
    lgsl: 584,
    sla: 10,
    questions: [WHERE, yesNo('offensive', 'Is it offensive or racist?', 'Ydy e’n sarhaus neu’n hiliol?')],
    rules: [{ question: ['offensive', 'yes'], priority: 'high' }],
  },
  {
    code: 'parks-open-spaces',
    name: 'Report a problem in a park, play area or open space',
    nameCy: 'Rhoi gwybod am broblem mewn parc, ardal chwarae neu fan agored',
    team: 'highways',
    lgsl: 461,
    sla: 15,
    questions: [WHERE, DANGEROUS],
    rules: [{ question: ['dangerous', 'yes'], priority: 'urgent' }],
  },
  {
    code: 'fly-tipping',
    name: 'Report fly-tipping',
    nameCy: 'Rhoi gwybod am dipio anghyfreithlon',
    team: 'waste',
    lgsl: 587,
    sla: 5,
    questions: [
      WHERE,
      choice('what', 'What has been dumped?', 'Beth sydd wedi’i adael?', [
        ['Household rubbish', 'Sbwriel tŷ'],
        ['Building rubble', 'Rwbel adeiladu'],
        ['Furniture or white goods', 'Dodrefn neu nwyddau gwyn'],
        ['Garden waste', 'Gwastraff gardd'],
        ['Something else', 'Rhywbeth arall'],
      ]),
      yesNo(
        'hazardous',
        'Could it be dangerous (asbestos, chemicals, needles)?',
        'Allai fod yn beryglus (asbestos, cemegion, nodwyddau)?',
      ),
    ],
    rules: [{ question: ['hazardous', 'yes'], priority: 'urgent' }],
  },
  {
    code: 'litter-bins',
    name: 'Report an overflowing or damaged litter bin',
    nameCy: 'Rhoi gwybod am fin sbwriel sy’n gorlifo neu wedi’i ddifrodi',
    team: 'waste',
    sla: 5,
    questions: [WHERE],
  },
  {
    code: 'dead-animals',
    name: 'Report a dead animal',
    nameCy: 'Rhoi gwybod am anifail marw',
    team: 'waste',
    lgsl: 576,
    sla: 5,
    questions: [
      WHERE,
      choice('animal', 'What kind of animal?', 'Pa fath o anifail?', [
        ['Small, like a bird or a cat', 'Bach, fel aderyn neu gath'],
        ['Large, like a deer or a badger', 'Mawr, fel carw neu fochyn daear'],
      ]),
    ],
  },
  {
    code: 'syringes',
    name: 'Report discarded needles or drug litter',
    nameCy: 'Rhoi gwybod am nodwyddau neu sbwriel cyffuriau wedi’u taflu',
    team: 'environmental-health',
    lgsl: 428,
    sla: 2,
    priority: 'urgent',
    questions: [
      WHERE,
      {
        code: 'how_many',
        label: 'Roughly how many needles?',
        labelCy: 'Tua faint o nodwyddau?',
        kind: 'number',
        min: 1,
        max: 1000,
      },
    ],
  },
  {
    code: 'dog-fouling',
    name: 'Report dog fouling',
    nameCy: 'Rhoi gwybod am faw cŵn',
    team: 'environmental-health',
    lgsl: 577,
    sla: 10,
    questions: [
      WHERE,
      {
        code: 'times_seen',
        label: 'When does it usually happen?',
        labelCy: 'Pryd mae’n digwydd fel arfer?',
        kind: 'text',
        hint: 'Optional: this helps wardens patrol at the right time',
        hintCy: 'Dewisol: mae hyn yn helpu wardeniaid i batrolio ar yr adeg iawn',
      },
    ],
  },
  {
    code: 'stray-animals',
    name: 'Report a stray, lost or found pet',
    nameCy: 'Rhoi gwybod am anifail anwes crwydr, coll neu wedi’i ganfod',
    team: 'environmental-health',
    lgsl: 432,
    sla: 5,
    questions: [
      WHERE,
      choice('animal', 'What kind of animal?', 'Pa fath o anifail?', [
        ['Dog', 'Ci'],
        ['Cat', 'Cath'],
        ['Other', 'Arall'],
      ]),
      yesNo('aggressive', 'Is it behaving aggressively?', 'Ydy e’n ymddwyn yn ymosodol?'),
    ],
    rules: [{ question: ['aggressive', 'yes'], priority: 'urgent' }],
  },
  {
    code: 'overgrown-private-land',
    name: 'Report overgrown vegetation from private land',
    nameCy: 'Rhoi gwybod am dyfiant gwyllt o dir preifat',
    team: 'environmental-health',
    sla: 20,
    questions: [WHERE],
  },
  {
    code: 'abandoned-vehicles',
    name: 'Report an abandoned vehicle',
    nameCy: 'Rhoi gwybod am gerbyd wedi’i adael',
    team: 'environmental-health',
    lgsl: 372,
    sla: 10,
    questions: [
      WHERE,
      {
        code: 'registration',
        label: 'Vehicle registration number',
        labelCy: 'Rhif cofrestru’r cerbyd',
        kind: 'text',
        hint: 'Optional, if it still has number plates',
        hintCy: 'Dewisol, os oes ganddo blatiau rhif o hyd',
      },
      yesNo('burnt_out', 'Has it been burnt out or is it leaking fuel?', 'Ydy e wedi’i losgi neu’n gollwng tanwydd?'),
    ],
    // A joint pilot: in Oswestry East the neighbourhood police deal with abandoned vehicles.
    rules: [
      { ward: 'Oswestry East', team: 'marches-police/neighbourhood' },
      { question: ['burnt_out', 'yes'], priority: 'urgent' },
    ],
  },
];

/** The 96 FixMyStreet categories of the Oswestry reports and the service each is reported to. */
export const FIXMYSTREET_CATEGORIES: Readonly<Record<string, string>> = {
  'Carriageway pothole': 'potholes',
  'Footway pothole': 'potholes',
  'Carriageway surface problem': 'road-surface',
  'Footway surface problem': 'road-surface',
  'Kerb problem': 'road-surface',
  'Loose chippings/debris in c/w': 'road-surface',
  'Ironwork defective': 'road-surface',
  'Ironwork high/low': 'road-surface',
  'Ironwork missing': 'road-surface',
  'Treatment request carriageway': 'road-surface',
  'Treatment request footway': 'road-surface',
  'Markings missing/defective': 'road-surface',
  'Stud missing/defective': 'road-surface',
  'Street Light Out': 'street-lights',
  'Street Light Day Burning': 'street-lights',
  'Street Lighting Other': 'street-lights',
  'Street Light Damaged': 'street-lights',
  'Lamp(s) out': 'street-lights',
  'Street Light Flash/Flickering': 'street-lights',
  'Street Light Knocked Down': 'street-lights',
  'Street Light Door Off': 'street-lights',
  'Hanging Lantern': 'street-lights',
  'Street Light Burning Red': 'street-lights',
  'Street Light Electrical Wiring': 'street-lights',
  'Street light obscured by tree/hedge/vegetation': 'street-lights',
  'Sign missing/defective': 'road-signs',
  'Sign obscured': 'road-signs',
  'Sign dirty': 'road-signs',
  'Illuminated Sign Out': 'road-signs',
  'Illuminated Sign Damaged': 'road-signs',
  'Illuminated Sign Knocked Down': 'road-signs',
  'Illuminated Bollard Out': 'road-signs',
  'Illuminated Bollard Top Missing': 'road-signs',
  'Illuminated Bollard Missing': 'road-signs',
  'Bollard missing/defective': 'road-signs',
  'Zebra Crossing post Damaged': 'road-signs',
  'Street Furniture': 'road-signs',
  'Barrier pedestrian defective': 'road-signs',
  'Barrier vehicular defective': 'road-signs',
  'Temporary Traffic Light Fault': 'traffic-signals',
  'Other Traffic Signals issue': 'traffic-signals',
  'Total failure': 'traffic-signals',
  'Pedestrian push button not working': 'traffic-signals',
  'Drain blocked': 'drains-flooding',
  'Standing water on the highway': 'drains-flooding',
  Flood: 'drains-flooding',
  'Property flooding issue': 'drains-flooding',
  'Ditch blocked': 'drains-flooding',
  Watercourse: 'drains-flooding',
  'Flood water that has run off Land': 'drains-flooding',
  'Standing water on land': 'drains-flooding',
  'Overgrown Trees/Hedges': 'highway-vegetation',
  'Tree/Grass/Shrub Problem on a highway/verge': 'highway-vegetation',
  'Encroachment of the Highways by Trees or Shrubs': 'highway-vegetation',
  'Verge/Visibility problem': 'highway-vegetation',
  'Cultivating or Planting on a Verge': 'highway-vegetation',
  'Stones/Bollards on the Verge': 'highway-vegetation',
  'Salt bins replenish': 'winter-gritting',
  'Salt bins new': 'winter-gritting',
  'Salt / Grit Bin Damaged': 'winter-gritting',
  'Other winter maintenance': 'winter-gritting',
  'Fuel Spillage': 'road-spillage',
  'Mud on the Highway': 'road-spillage',
  'RTC Attendance': 'road-spillage',
  'Other Highways issue': 'other-highways',
  'Highway Boundary Query': 'other-highways',
  'Other Structure': 'other-highways',
  Bridge: 'other-highways',
  'Retaining Wall': 'other-highways',
  'Street name plate problem': 'street-name-plates',
  'Other Street Cleaning': 'street-cleaning',
  Litter: 'street-cleaning',
  'Leaf clearance': 'street-cleaning',
  'Broken glass': 'street-cleaning',
  Urination: 'street-cleaning',
  Graffiti: 'graffiti',
  'Graffiti (Offensive)': 'graffiti',
  'Tree problem on an open space': 'parks-open-spaces',
  'Grass cutting problem': 'parks-open-spaces',
  'Grass problem': 'parks-open-spaces',
  'Play equipment issue': 'parks-open-spaces',
  'Damaged equipment': 'parks-open-spaces',
  'Flower/Shrubs bed problem': 'parks-open-spaces',
  'Dangerous Tree': 'parks-open-spaces',
  'Fly Tipping': 'fly-tipping',
  'Litter Bin - Overflowing': 'litter-bins',
  'Litter bin problem': 'litter-bins',
  'Dead animal': 'dead-animals',
  'Syringes / Needles / Drug related litter': 'syringes',
  'Dog fouling': 'dog-fouling',
  'Dog stray': 'stray-animals',
  'Dog found': 'stray-animals',
  'Dog missing': 'stray-animals',
  'Lost / Missing Cat': 'stray-animals',
  'Overgrown weeds/vegetation from neighbouring property': 'overgrown-private-land',
  'Abandoned vehicle': 'abandoned-vehicles',
};

/** The service a FixMyStreet category is reported to; an unknown category goes to the highways catch-all. */
export function fixMyStreetServiceCode(category: string): string {
  return Object.hasOwn(FIXMYSTREET_CATEGORIES, category.trim()) ? FIXMYSTREET_CATEGORIES[category.trim()]! : 'other-highways';
}

type Row = [code: string, name: string, nameCy: string, team: string, sla: number, firstContact?: boolean, priority?: Priority];

/** The LGSL services of a district council (tiers district/unitary and all), by LGSL number. */
const LGSL_SERVICES: Readonly<Record<number, Row>> = {
  18: ['school-holiday-schemes', 'School holiday schemes', 'Cynlluniau gwyliau ysgol', 'customer-services', 10, true],
  55: ['business-rates-relief', 'Business rates relief', 'Rhyddhad ardrethi busnes', 'revenues-benefits', 20],
  57: ['council-tax', 'Council Tax', 'Treth Gyngor', 'revenues-benefits', 10, true],
  59: ['council-tax-discounts', 'Council Tax discounts', 'Gostyngiadau Treth Gyngor', 'revenues-benefits', 15],
  63: ['council-tax-benefit', 'Council Tax benefit', 'Budd-dal Treth Gyngor', 'revenues-benefits', 15],
  69: ['housing-benefit', 'Housing Benefit', 'Budd-dal Tai', 'revenues-benefits', 15],
  72: ['housing-benefit-appeals', 'Housing Benefit appeals', 'Apeliadau Budd-dal Tai', 'revenues-benefits', 20],
  88: ['home-exchange', 'Council home exchange', 'Cyfnewid cartrefi cyngor', 'housing', 20],
  90: ['rehousing-appeals', 'Rehousing decision appeals', 'Apeliadau penderfyniadau ailgartrefu', 'housing', 20],
  92: ['council-home-applications', 'Apply for a council home', 'Gwneud cais am gartref cyngor', 'housing', 20],
  101: ['squatters', 'Squatters in council property', 'Sgwatwyr mewn eiddo cyngor', 'housing', 5, false, 'high'],
  107: ['sheltered-housing', 'Sheltered and supported housing', 'Tai gwarchod a thai â chymorth', 'housing', 20],
  112: ['homelessness-advice', 'Homelessness advice', 'Cyngor ar ddigartrefedd', 'housing', 5, false, 'high'],
  115: ['garage-rental', 'Rent a council garage', 'Rhentu garej cyngor', 'housing', 20],
  124: [
    'insurance-claims',
    'Insurance claims against the council',
    'Hawliadau yswiriant yn erbyn y cyngor',
    'customer-services',
    20,
  ],
  137: ['disabled-facilities-grant', 'Disabled Facilities Grant', 'Grant Cyfleusterau i’r Anabl', 'housing', 20],
  141: ['council-home-repairs', 'Repairs to council homes', 'Atgyweirio cartrefi cyngor', 'housing', 10],
  147: [
    'tenant-garden-help',
    'Garden help for older or disabled tenants',
    'Help gyda gerddi i denantiaid hŷn neu anabl',
    'housing',
    20,
  ],
  151: ['right-to-buy', 'Right to Buy', 'Hawl i Brynu', 'housing', 20],
  272: ['community-transport', 'Community transport', 'Trafnidiaeth gymunedol', 'customer-services', 10, true],
  297: ['local-support-groups', 'Local support groups', 'Grwpiau cymorth lleol', 'citizens-advice/advice-line', 10, true],
  313: ['community-alarms', 'Community alarms', 'Larymau cymunedol', 'housing', 10],
  328: ['bereavement-services', 'Bereavement services', 'Gwasanaethau profedigaeth', 'registration', 5],
  353: ['complaints-procedure', 'Complaints procedure', 'Y drefn gwyno', 'complaints', 20, true],
  358: ['local-councillors', 'Your local councillors', 'Eich cynghorwyr lleol', 'customer-services', 5, true],
  364: ['electoral-register', 'The electoral register', 'Y gofrestr etholiadol', 'registration', 10, true],
  412: ['noise-nuisance', 'Noise nuisance', 'Niwsans sŵn', 'environmental-health', 10],
  415: ['asbestos-removal', 'Asbestos removal', 'Cael gwared ar asbestos', 'environmental-health', 10],
  431: ['pest-control', 'Pest control', 'Rheoli plâu', 'environmental-health', 10],
  471: ['parking-fines', 'Parking fines', 'Dirwyon parcio', 'customer-services', 15, true],
  474: ['parking-permits', 'Parking permits', 'Trwyddedau parcio', 'customer-services', 10],
  499: ['building-regulations', 'Building regulations', 'Rheoliadau adeiladu', 'planning', 15],
  508: ['tree-preservation-orders', 'Tree preservation orders', 'Gorchmynion cadw coed', 'planning', 20],
  510: ['allotments', 'Allotments', 'Rhandiroedd', 'customer-services', 20],
  512: ['conservation-area-works', 'Works in a conservation area', 'Gwaith mewn ardal gadwraeth', 'planning', 20],
  516: ['planning-decisions', 'Register of planning decisions', 'Cofrestr penderfyniadau cynllunio', 'planning', 10, true],
  524: ['bin-collection-days', 'Bin collection days', 'Diwrnodau casglu biniau', 'waste', 5, true],
  528: ['bulky-waste', 'Bulky waste collections', 'Casgliadau gwastraff swmpus', 'waste', 10],
  530: ['garden-waste', 'Garden waste', 'Gwastraff gardd', 'waste', 10],
  533: ['recycling-collections', 'Recycling collections', 'Casgliadau ailgylchu', 'waste', 10, true],
  586: ['vandalism', 'Vandalism', 'Fandaliaeth', 'highways', 10],
  588: ['fly-posting', 'Fly-posting', 'Gosod posteri’n anghyfreithlon', 'highways', 10],
  600: [
    'dangerous-structures',
    'Dangerous buildings and structures',
    'Adeiladau a strwythurau peryglus',
    'planning',
    5,
    false,
    'urgent',
  ],
  603: ['demolition-nuisance', 'Nuisance from demolition work', 'Niwsans o waith dymchwel', 'environmental-health', 10],
  615: [
    'voluntary-sector-grants',
    'Grants to voluntary organisations',
    'Grantiau i sefydliadau gwirfoddol',
    'customer-services',
    20,
  ],
  684: ['empty-properties', 'Open and derelict properties', 'Eiddo agored ac adfeiliedig', 'housing', 10],
  703: ['emergency-planning', 'Emergency planning', 'Cynllunio at argyfwng', 'customer-services', 10, true],
  831: [
    'family-support-groups',
    'Support groups for children, young people and families',
    'Grwpiau cymorth i blant, pobl ifanc a theuluoedd',
    'citizens-advice/advice-line',
    10,
  ],
  850: ['hazardous-waste', 'Hazardous waste collection', 'Casglu gwastraff peryglus', 'waste', 10],
  859: ['clinical-waste', 'Clinical waste collection', 'Casglu gwastraff clinigol', 'waste', 10],
  860: ['alcohol-licences', 'Alcohol licences', 'Trwyddedau alcohol', 'environmental-health', 20],
  867: ['local-consultations', 'Local consultations', 'Ymgynghoriadau lleol', 'customer-services', 10, true],
  870: ['community-safety', 'Community safety', 'Diogelwch cymunedol', 'marches-police/neighbourhood', 10],
  1307: [
    'severe-weather',
    'Services disrupted by severe weather',
    'Gwasanaethau wedi’u tarfu gan dywydd garw',
    'customer-services',
    5,
    true,
  ],
  1580: ['street-parties', 'Hold a street party', 'Cynnal parti stryd', 'highways', 20],
};

/** Questions of a few LGSL services (the reported ones have theirs above). */
const LGSL_QUESTIONS: Readonly<Record<string, DemoQuestion[]>> = {
  'bulky-waste': [
    { code: 'items', label: 'What needs collecting?', labelCy: 'Beth sydd angen ei gasglu?', kind: 'long_text', required: true },
    {
      code: 'item_count',
      label: 'How many items?',
      labelCy: 'Faint o eitemau?',
      kind: 'number',
      required: true,
      min: 1,
      max: 10,
    },
  ],
  'noise-nuisance': [
    choice('source', 'What is making the noise?', 'Beth sy’n gwneud y sŵn?', [
      ['Music or parties', 'Cerddoriaeth neu bartïon'],
      ['Dogs barking', 'Cŵn yn cyfarth'],
      ['Alarms', 'Larymau'],
      ['Building work', 'Gwaith adeiladu'],
      ['Something else', 'Rhywbeth arall'],
    ]),
    { code: 'when', label: 'When does it happen?', labelCy: 'Pryd mae’n digwydd?', kind: 'text', required: true },
  ],
  'pest-control': [
    choice('pest', 'What pest?', 'Pa bla?', [
      ['Rats or mice', 'Llygod mawr neu lygod'],
      ['Wasps', 'Cacwn'],
      ['Bed bugs', 'Llau gwely'],
      ['Other', 'Arall'],
    ]),
  ],
  'council-home-repairs': [
    {
      code: 'room',
      label: 'Which room is the repair in?',
      labelCy: 'Ym mha ystafell mae’r atgyweiriad?',
      kind: 'text',
      required: true,
    },
    yesNo(
      'emergency',
      'Is there a risk to health or safety (no heating, water leaking, unsafe electrics)?',
      'Oes risg i iechyd neu ddiogelwch (dim gwres, dŵr yn gollwng, trydan anniogel)?',
    ),
  ],
  'homelessness-advice': [
    yesNo('homeless_tonight', 'Do they have nowhere safe to sleep tonight?', 'Oes ganddyn nhw unman diogel i gysgu heno?'),
  ],
};

const LGSL_RULES: Readonly<Record<string, DemoRule[]>> = {
  'council-home-repairs': [{ question: ['emergency', 'yes'], priority: 'urgent' }],
  'homelessness-advice': [{ question: ['homeless_tonight', 'yes'], priority: 'urgent' }],
};

/** Used when the LGSL list is not at hand (tests, a machine without the reference data). */
export const BUILT_IN_LGSL = [57, 69, 92, 141, 412, 524, 528, 112] as const;

function fromLgsl(lgsl: number, description: string): DemoService {
  const known = LGSL_SERVICES[lgsl];
  if (!known) {
    // A row this table does not know yet: named from its description, for Customer Services.
    const name = description.replace(/^(find out (more )?about|get information on)\s+/i, '').replace(/\s+/g, ' ');
    const words = name.charAt(0).toUpperCase() + name.slice(1);
    return { code: slug(name, '-', 40), name: words, nameCy: words, team: 'customer-services', sla: 10, lgsl };
  }
  const [code, name, nameCy, team, sla, firstContact, priority] = known;
  return {
    code,
    name,
    nameCy,
    team,
    sla,
    lgsl,
    ...(firstContact ? { firstContact } : {}),
    ...(priority ? { priority } : {}),
    questions: LGSL_QUESTIONS[code] ?? [],
    rules: LGSL_RULES[code] ?? [],
  };
}

/** The LGSL services a district council provides: from the reference list, or the few above. */
export function readLgslServices(dataDir = referenceDataDir()): { services: DemoService[]; source: 'reference' | 'fallback' } {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, LGSL_FILE), 'utf8');
  } catch {
    return { services: BUILT_IN_LGSL.map((lgsl) => fromLgsl(lgsl, '')), source: 'fallback' };
  }
  const rows = parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  const services = rows
    .filter((row) => ['district/unitary', 'all'].includes((row['Providing Tier'] ?? '').trim()))
    .map((row) => fromLgsl(Number(row.LGSL), row.Description ?? ''));
  return { services, source: 'reference' };
}

/** The FixMyStreet categories in the reference reports (undefined when the file is absent). */
export function readFixMyStreetCategories(dataDir = referenceDataDir()): Set<string> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, FIXMYSTREET_FILE), 'utf8');
  } catch {
    return undefined;
  }
  // Reports' details hold line breaks inside quotes: a real CSV parser, not lines.
  const rows = parse(text, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as Record<
    string,
    string
  >[];
  return new Set(rows.map((row) => (row.service_name ?? '').trim()).filter(Boolean));
}

/** Every demo service: the reported ones, then the LGSL ones not already among them. */
export function demoServices(dataDir = referenceDataDir()): { services: DemoService[]; source: 'reference' | 'fallback' } {
  const lgsl = readLgslServices(dataDir);
  const reportedLgsl = new Set(REPORTED_SERVICES.flatMap((service) => (service.lgsl ? [service.lgsl] : [])));
  const codes = new Set(REPORTED_SERVICES.map((service) => service.code));
  const others = lgsl.services.filter((service) => !reportedLgsl.has(service.lgsl ?? 0) && !codes.has(service.code));
  return { services: [...REPORTED_SERVICES, ...others], source: lgsl.source };
}

function advisorScript(service: DemoService): { en: string; cy: string } {
  return {
    en:
      `Ask what the resident needs to know about ${service.name.toLowerCase()}. Give them the answer from the council’s ` +
      'web page on it, and send them the link. Record the contact as resolved at first contact; raise a case only if something must be done.',
    cy:
      `Gofynnwch beth mae’r preswylydd angen ei wybod am ${service.nameCy}. Rhowch yr ateb iddyn nhw o dudalen we’r cyngor ` +
      'amdano, ac anfonwch y ddolen atyn nhw. Cofnodwch fod y cyswllt wedi’i ddatrys yn ystod y cyswllt cyntaf; codwch achos dim ond os oes rhaid gwneud rhywbeth.',
  };
}

const optionsOf = (pairs: [string, string][]): ChoiceOption[] =>
  pairs.map(([label, labelCy]) => ({ value: slug(label, '_'), label, labelCy }));

/** Adds the demo services the council does not have yet; returns how many it added. */
export async function seedDemoServices(db: Db, councilId: string, dataDir = referenceDataDir()): Promise<number> {
  const actor = systemActor('demo');
  const catalogue = createServicesService(db);
  const teams = await servicesRepo.teamsServingCouncil(db, councilId);
  const teamId = (code: string) => {
    const [organisation, team] = code.includes('/') ? code.split('/') : [undefined, code];
    const found = teams.find(
      (candidate) =>
        candidate.code === team &&
        (organisation ? candidate.organisationCode === organisation : candidate.organisationKind === 'council'),
    );
    if (!found) throw new Error(`the demo council has no team ${code}`);
    return found.id;
  };
  const existing = await servicesRepo.serviceCodes(db, councilId);
  let added = 0;
  for (const service of demoServices(dataDir).services) {
    if (existing.has(service.code)) continue;
    const script = service.firstContact ? advisorScript(service) : undefined;
    const { id } = await catalogue.create(
      actor,
      {
        code: service.code,
        name: service.name,
        nameCy: service.nameCy,
        lgsl: service.lgsl ?? null,
        description: '',
        teamId: teamId(service.team),
        public: service.public ?? true,
        firstContactResolvable: service.firstContact ?? false,
        advisorScript: script?.en,
        advisorScriptCy: script?.cy,
        slaWorkingDays: service.sla,
        defaultPriority: service.priority ?? 'normal',
      },
      councilId,
    );
    for (const question of service.questions ?? []) {
      await catalogue.addQuestion(actor, id, {
        ...question,
        required: question.required ?? false,
        options: optionsOf(question.options ?? []),
      });
    }
    for (const rule of service.rules ?? []) {
      await catalogue.addRule(actor, id, {
        ward: rule.ward,
        questionCode: rule.question?.[0],
        answerValue: rule.question?.[1],
        teamId: rule.team ? teamId(rule.team) : undefined,
        priority: rule.priority,
      });
    }
    existing.add(service.code);
    added += 1;
  }
  return added;
}
