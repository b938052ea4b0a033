// `onedoor import gazetteer FILE.csv`: the council's properties, one row per UPRN, added or
// updated. Columns (CONTRACT.md): uprn,address_line1,address_line2,town,postcode,lat,long,ward.
import type { Db } from '../../db/database.ts';
import { saveProperties, type NewProperty } from '../../gazetteer/service.ts';
import { importCsv, type ImportDefinition, type ImportOptions, type ImportResult, type RowCheck } from './csv.ts';
import { checkLength, checkPostcode, checkUprn, quoted } from './values.ts';

export const GAZETTEER_COLUMNS = ['uprn', 'address_line1', 'address_line2', 'town', 'postcode', 'lat', 'long', 'ward'] as const;
const REQUIRED = ['uprn', 'address_line1', 'town', 'postcode'] as const;

export function checkGazetteerRow(values: Record<string, string>): RowCheck<NewProperty> {
  const problems: string[] = [];
  const uprn = values.uprn ? checkUprn(problems, values.uprn) : (problems.push('UPRN is missing'), undefined);
  const line1 = values.address_line1 ?? '';
  if (line1 === '') problems.push('address line 1 is missing');
  checkLength(problems, 'address line 1', line1, 200);
  const line2 = values.address_line2 ?? '';
  checkLength(problems, 'address line 2', line2, 200);
  const town = values.town ?? '';
  if (town === '') problems.push('town is missing');
  checkLength(problems, 'town', town, 100);
  const postcode = values.postcode ? checkPostcode(problems, values.postcode) : (problems.push('postcode is missing'), undefined);
  const latitude = coordinate(problems, 'latitude', values.lat ?? '', 90);
  const longitude = coordinate(problems, 'longitude', values.long ?? '', 180);
  if (latitude === null && typeof longitude === 'number') problems.push('longitude is given without latitude');
  if (longitude === null && typeof latitude === 'number') problems.push('latitude is given without longitude');
  const ward = values.ward ?? '';
  checkLength(problems, 'ward', ward, 100);

  if (problems.length > 0 || uprn === undefined || postcode === undefined) return { problems };
  return {
    value: {
      uprn,
      line1,
      line2: line2 || null,
      town,
      postcode,
      latitude: latitude ?? null,
      longitude: longitude ?? null,
      ward: ward || null,
    },
  };
}

/** An optional coordinate in decimal degrees: null when blank, undefined when wrong. */
function coordinate(problems: string[], label: string, value: string, limit: number): number | null | undefined {
  if (value === '') return null;
  if (!/^[-+]?\d+(\.\d+)?$/.test(value)) {
    problems.push(`${label} ${quoted(value)} is not a number`);
    return undefined;
  }
  const number = Number(value);
  if (Math.abs(number) > limit) {
    problems.push(`${label} ${quoted(value)} is not between -${limit} and ${limit}`);
    return undefined;
  }
  return number;
}

export const gazetteerImport: ImportDefinition<NewProperty> = {
  action: 'import.gazetteer',
  columns: GAZETTEER_COLUMNS,
  required: REQUIRED,
  check: checkGazetteerRow,
  uniqueBy: { key: (property) => String(property.uprn), describe: (property) => `UPRN ${property.uprn}` },
  async write(trx, councilId, properties) {
    const written = new Set(await saveProperties(trx, councilId, properties));
    return properties.map((property) =>
      written.has(property.uprn) ? undefined : `UPRN ${property.uprn} belongs to another council's gazetteer`,
    );
  },
};

export async function importGazetteer(db: Db, options: ImportOptions): Promise<ImportResult> {
  return await importCsv(db, gazetteerImport, options);
}
