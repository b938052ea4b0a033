// Where a new case goes: to the service's team at the service's priority, unless a routing rule
// says otherwise. Rules are read in order; the first that matches and names a team decides the
// team, and the first that matches and names a priority decides the priority, so one rule may
// move a case to a partner's team while another, later, only raises its priority.
import { answerText } from './answers.ts';
import { PRIORITIES, type AnswerValue, type Priority, type RoutingRule, type ServiceForCase } from './schemas.ts';

export { PRIORITIES, type Priority };

export interface CaseFacts {
  /** The ward of the case's location, when it has one. */
  ward: string | null;
  /** The checked answers (see checkAnswers). */
  answers: Record<string, AnswerValue>;
}

export interface Route {
  teamId: string;
  organisationId: string;
  priority: Priority;
}

const same = (a: string, b: string) => a.trim().toLocaleLowerCase('en-GB') === b.trim().toLocaleLowerCase('en-GB');

/** A rule matches when every condition it has holds: its ward, and its answer. */
export function ruleMatches(rule: Pick<RoutingRule, 'ward' | 'questionCode' | 'answerValue'>, facts: CaseFacts): boolean {
  if (rule.ward === null && rule.questionCode === null) return false;
  if (rule.ward !== null && (facts.ward === null || !same(rule.ward, facts.ward))) return false;
  if (rule.questionCode !== null) {
    const given = answerText(facts.answers[rule.questionCode]);
    if (given === undefined || rule.answerValue === null || !same(given, rule.answerValue)) return false;
  }
  return true;
}

export function routeCase(
  service: Pick<ServiceForCase, 'teamId' | 'organisationId' | 'defaultPriority' | 'routingRules'>,
  facts: CaseFacts,
): Route {
  const rules = [...service.routingRules].sort((a, b) => a.position - b.position);
  const matching = rules.filter((rule) => ruleMatches(rule, facts));
  const teamRule = matching.find((rule) => rule.teamId !== null && rule.organisationId !== null);
  const priorityRule = matching.find((rule) => rule.priority !== null);
  return {
    teamId: teamRule?.teamId ?? service.teamId,
    organisationId: teamRule?.organisationId ?? service.organisationId,
    priority: priorityRule?.priority ?? service.defaultPriority,
  };
}
