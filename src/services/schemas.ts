// The service catalogue's shapes: priorities, question kinds, what a case needs to know about a
// service (ServiceForCase), and the JSON API's view of the catalogue (TypeBox: validation, types
// and OpenAPI in one). Field names are camelCase; add fields freely, remove none.
import { Type, type Static } from '@sinclair/typebox';
import { nullable } from '../platform/schemas.ts';

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const isPriority = (value: unknown): value is Priority =>
  typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);

export const QUESTION_KINDS = ['text', 'long_text', 'number', 'date', 'yes_no', 'choice', 'location', 'file'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const isQuestionKind = (value: unknown): value is QuestionKind =>
  typeof value === 'string' && (QUESTION_KINDS as readonly string[]).includes(value);

export const SERVICE_CODE_PATTERN = /^[a-z0-9][a-z0-9-]{1,59}$/;
export const QUESTION_CODE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
export const OPTION_VALUE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,59}$/;

/** Longest answers by default: a line of text, and a paragraph or several. */
export const DEFAULT_MAX_LENGTH: Readonly<Record<'text' | 'long_text', number>> = { text: 500, long_text: 5000 };

export type ChoiceOption = {
  value: string;
  label: string;
  labelCy: string | null;
};

/** One question of a service's form. */
export type Question = {
  id: string;
  position: number;
  code: string;
  label: string;
  labelCy: string | null;
  hint: string | null;
  hintCy: string | null;
  kind: QuestionKind;
  required: boolean;
  options: ChoiceOption[];
  maxLength: number | null;
  min: number | null;
  max: number | null;
};

/** What checking answers needs of a question. */
export type QuestionRules = Pick<Question, 'code' | 'kind' | 'required' | 'options' | 'maxLength' | 'min' | 'max'>;

export type Location = { lat: number; long: number } | { uprn: number };

/** An answer as kept: text (also a date, a choice's value or a file's id), a number, yes/no, or a place. */
export type AnswerValue = string | number | boolean | Location;

/** Sends a case in a ward, or with an answer, to another team and/or at another priority. */
export interface RoutingRule {
  id: string;
  position: number;
  ward: string | null;
  questionCode: string | null;
  answerValue: string | null;
  teamId: string | null;
  /** The rule's team's organisation (null when the rule sets only a priority). */
  organisationId: string | null;
  teamName: string | null;
  priority: Priority | null;
}

/** A service as raising a case needs it: who owns it, its form, its routing and its SLA. */
export interface ServiceForCase {
  id: string;
  councilId: string;
  code: string;
  name: string;
  nameCy: string | null;
  lgsl: number | null;
  description: string;
  public: boolean;
  firstContactResolvable: boolean;
  advisorScript: string | null;
  teamId: string;
  organisationId: string;
  teamName: string;
  slaWorkingDays: number;
  defaultPriority: Priority;
  questions: Question[];
  routingRules: RoutingRule[];
}

// The JSON API

const ChoiceOptionView = Type.Object({
  value: Type.String(),
  label: Type.String(),
  labelCy: nullable(Type.String()),
});

export const ServiceQuestionView = Type.Object({
  code: Type.String({ description: 'The key of this answer in a case’s `answers`' }),
  label: Type.String(),
  labelCy: nullable(Type.String()),
  hint: nullable(Type.String()),
  kind: Type.Union(
    QUESTION_KINDS.map((kind) => Type.Literal(kind)),
    {
      description:
        'text and long_text: a string; number; date: YYYY-MM-DD; yes_no: true or false; choice: one of the options’ values; ' +
        'location: {lat, long} or {uprn}; file: the id of an uploaded attachment',
    },
  ),
  required: Type.Boolean(),
  options: Type.Array(ChoiceOptionView, { description: 'The choices of a choice question (empty otherwise)' }),
  maxLength: nullable(Type.Integer()),
  min: nullable(Type.Number()),
  max: nullable(Type.Number()),
});

const OwnerView = Type.Object({ code: Type.String(), name: Type.String() });

export const ServiceView = Type.Object({
  code: Type.String({ description: 'The serviceCode to raise a case for this service' }),
  name: Type.String(),
  nameCy: nullable(Type.String()),
  lgsl: nullable(Type.Integer({ description: 'Local Government Services List number' })),
  description: Type.String(),
  descriptionCy: nullable(Type.String()),
  team: OwnerView,
  organisation: OwnerView,
  public: Type.Boolean({ description: 'Offered to residents (false: staff only)' }),
  firstContactResolvable: Type.Boolean({ description: 'An advisor can usually resolve it at first contact' }),
  slaWorkingDays: Type.Integer({ description: 'Target to resolve, in working days' }),
  defaultPriority: Type.Union(PRIORITIES.map((priority) => Type.Literal(priority))),
  questions: Type.Array(ServiceQuestionView, { description: 'The questions a case for this service answers, in order' }),
});
export type ServiceApiView = Static<typeof ServiceView>;

export const ServiceList = Type.Object({
  items: Type.Array(ServiceView),
  next: Type.Null({ description: 'The catalogue comes in one page, ordered by name' }),
});
