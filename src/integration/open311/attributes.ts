// A service's form as Open311 attributes (its service definition), and the attributes a client
// posts back as the form's answers. Questions the client's own page answers are `variable`
// attributes; where the case is (a location question) and its photo (a file question) come from the
// request's own lat/long and media, so OneDoor sets them (`automated: server_set`). Beside the form,
// mySociety's clients may send `uprn` (the property the resident chose on the map; a hidden field
// FixMyStreet fills) and `fixmystreet_id` (its report's id, set by FixMyStreet itself).
import type { Question } from '../../services/schemas.ts';

export type Datatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

export interface ServiceAttribute {
  variable: boolean;
  code: string;
  datatype: Datatype;
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  automated?: 'hidden_field' | 'server_set';
  protected?: boolean;
  values?: { key: string; name: string }[];
}

/** Attributes OneDoor understands beyond the service's own questions. */
export const UPRN_ATTRIBUTE = 'uprn';
export const FIXMYSTREET_ID_ATTRIBUTE = 'fixmystreet_id';

const DATATYPE: Record<Question['kind'], Datatype> = {
  text: 'string',
  long_text: 'text',
  number: 'number',
  date: 'datetime',
  yes_no: 'singlevaluelist',
  choice: 'singlevaluelist',
  location: 'string',
  file: 'string',
};

/** Machine-facing notes on what each kind of answer must look like (the API's words are English). */
function datatypeDescription(question: Question): string {
  switch (question.kind) {
    case 'number':
      return [
        'A number',
        question.min !== null ? `at least ${question.min}` : '',
        question.max !== null ? `at most ${question.max}` : '',
      ]
        .filter(Boolean)
        .join(', ');
    case 'date':
      return 'A date, YYYY-MM-DD';
    case 'location':
      return 'Set from the request’s lat/long, address_id or attribute[uprn]';
    case 'file':
      return 'Set from the request’s media upload';
    case 'text':
    case 'long_text':
      return question.maxLength !== null ? `At most ${question.maxLength} characters` : '';
    default:
      return '';
  }
}

/** The service definition's attributes: its questions in order, then the attributes OneDoor sets or the client fills. */
export function attributesOf(questions: readonly Question[]): ServiceAttribute[] {
  const ordered = [...questions].sort((a, b) => a.position - b.position);
  const attributes: ServiceAttribute[] = ordered.map((question, index) => {
    const automated = question.kind === 'location' || question.kind === 'file';
    const values =
      question.kind === 'choice'
        ? question.options.map((option) => ({ key: option.value, name: option.label }))
        : question.kind === 'yes_no'
          ? [
              { key: 'yes', name: 'Yes' },
              { key: 'no', name: 'No' },
            ]
          : undefined;
    return {
      variable: !automated,
      code: question.code,
      datatype: DATATYPE[question.kind],
      // Set by OneDoor from the request itself: the client is not asked for it.
      required: automated ? false : question.required,
      datatype_description: datatypeDescription(question),
      order: index + 1,
      description: question.hint ? `${question.label} (${question.hint})` : question.label,
      ...(automated ? { automated: 'server_set' as const } : {}),
      ...(values ? { values } : {}),
    };
  });
  const extras: ServiceAttribute[] = [];
  if (ordered.some((question) => question.kind === 'location') && !ordered.some((question) => question.code === UPRN_ATTRIBUTE))
    extras.push({
      variable: true,
      code: UPRN_ATTRIBUTE,
      datatype: 'string',
      required: false,
      datatype_description: 'The Unique Property Reference Number of the property, from the council’s gazetteer',
      order: 0,
      description: 'UPRN of the property',
      automated: 'hidden_field',
      protected: true,
    });
  if (!ordered.some((question) => question.code === FIXMYSTREET_ID_ATTRIBUTE))
    extras.push({
      variable: false,
      code: FIXMYSTREET_ID_ATTRIBUTE,
      datatype: 'string',
      required: false,
      datatype_description: 'The id of the report in FixMyStreet',
      order: 0,
      description: 'FixMyStreet report id',
      automated: 'server_set',
      protected: true,
    });
  return [...attributes, ...extras.map((extra, index) => ({ ...extra, order: attributes.length + index + 1 }))];
}

/** The `attribute[code]` fields of a posted form, by code (a repeated field keeps its first value). */
export function postedAttributes(fields: Record<string, unknown>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const match = /^attribute\[([^\]]{1,100})\](?:\[\])?$/.exec(name);
    if (!match) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && !Object.hasOwn(attributes, match[1]!)) attributes[match[1]!] = first;
  }
  return attributes;
}

/**
 * Splits posted attributes into answers to the service's questions (the ones a client answers:
 * not location or file questions, which OneDoor sets) and the rest, kept beside the case as sent.
 */
export function answersFrom(
  questions: readonly Pick<Question, 'code' | 'kind'>[],
  attributes: Record<string, string>,
): { answers: Record<string, string>; others: Record<string, string> } {
  const answerable = new Set(questions.filter((q) => q.kind !== 'location' && q.kind !== 'file').map((q) => q.code));
  const answers: Record<string, string> = {};
  const others: Record<string, string> = {};
  for (const [code, value] of Object.entries(attributes)) {
    if (answerable.has(code)) answers[code] = value;
    else others[code] = value;
  }
  return { answers, others };
}
