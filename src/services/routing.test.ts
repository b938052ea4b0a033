import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PRIORITIES, routeCase, type Priority } from './routing.ts';
import type { RoutingRule, ServiceForCase } from './schemas.ts';

const HIGHWAYS = { teamId: 'team-highways', organisationId: 'org-council' };
const POLICE = { teamId: 'team-neighbourhood', organisationId: 'org-police' };
const CONTRACTOR = { teamId: 'team-contractor', organisationId: 'org-council' };

function aRule(position: number, rule: Partial<RoutingRule>): RoutingRule {
  return {
    id: `rule-${position}`,
    position,
    ward: null,
    questionCode: null,
    answerValue: null,
    teamId: null,
    organisationId: null,
    teamName: null,
    priority: null,
    ...rule,
  };
}

function aService(routingRules: RoutingRule[], defaultPriority: Priority = 'normal') {
  return { ...HIGHWAYS, defaultPriority, routingRules } satisfies Pick<
    ServiceForCase,
    'teamId' | 'organisationId' | 'defaultPriority' | 'routingRules'
  >;
}

describe('routing a new case', () => {
  it('sends it to the service’s own team at the service’s priority when no rule matches', () => {
    const service = aService([aRule(0, { ward: 'Oswestry East', ...POLICE })], 'low');
    assert.deepEqual(routeCase(service, { ward: 'Whittington', answers: {} }), { ...HIGHWAYS, priority: 'low' });
    assert.deepEqual(routeCase(service, { ward: null, answers: {} }), { ...HIGHWAYS, priority: 'low' });
  });

  it('sends a case in a ward to a partner agency’s team, whatever the case of the ward’s name', () => {
    const service = aService([aRule(0, { ward: 'Oswestry East', ...POLICE })]);
    assert.deepEqual(routeCase(service, { ward: 'oswestry east', answers: {} }), { ...POLICE, priority: 'normal' });
  });

  it('raises the priority of a case with a given answer, yes/no included', () => {
    const service = aService([aRule(0, { questionCode: 'dangerous', answerValue: 'yes', priority: 'urgent' })]);
    assert.deepEqual(routeCase(service, { ward: null, answers: { dangerous: true } }), { ...HIGHWAYS, priority: 'urgent' });
    assert.deepEqual(routeCase(service, { ward: null, answers: { dangerous: false } }), { ...HIGHWAYS, priority: 'normal' });
    assert.deepEqual(routeCase(service, { ward: null, answers: {} }), { ...HIGHWAYS, priority: 'normal' });
  });

  it('takes the team from the first matching rule with a team, and the priority from the first with a priority', () => {
    const service = aService([
      aRule(2, { ward: 'Oswestry East', ...CONTRACTOR, priority: 'low' }),
      aRule(0, { questionCode: 'dangerous', answerValue: 'yes', priority: 'urgent' }),
      aRule(1, { ward: 'Oswestry East', ...POLICE }),
    ]);
    assert.deepEqual(routeCase(service, { ward: 'Oswestry East', answers: { dangerous: true } }), {
      ...POLICE,
      priority: 'urgent',
    });
    assert.deepEqual(routeCase(service, { ward: 'Oswestry East', answers: { dangerous: false } }), {
      ...POLICE,
      priority: 'low',
    });
  });

  it('matches a rule with both a ward and an answer only when both hold', () => {
    const service = aService([aRule(0, { ward: 'Whittington', questionCode: 'size', answerValue: 'large', ...CONTRACTOR })]);
    assert.equal(routeCase(service, { ward: 'Whittington', answers: { size: 'small' } }).teamId, HIGHWAYS.teamId);
    assert.equal(routeCase(service, { ward: 'Llanymynech', answers: { size: 'large' } }).teamId, HIGHWAYS.teamId);
    assert.equal(routeCase(service, { ward: 'Whittington', answers: { size: 'large' } }).teamId, CONTRACTOR.teamId);
  });

  it('always answers a team and organisation of the service or of a rule, and a known priority', () => {
    const teams = [HIGHWAYS, POLICE, CONTRACTOR];
    const rule = fc.record({
      ward: fc.option(fc.constantFrom('A', 'B'), { nil: null }),
      question: fc.option(fc.constantFrom('yes', 'no'), { nil: null }),
      team: fc.option(fc.constantFrom(POLICE, CONTRACTOR), { nil: null }),
      priority: fc.option(fc.constantFrom(...PRIORITIES), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 6 }), fc.constantFrom('A', 'B', null), fc.boolean(), (rules, ward, dangerous) => {
        const service = aService(
          rules.map((r, i) =>
            aRule(i, {
              ward: r.ward,
              questionCode: r.question === null ? null : 'dangerous',
              answerValue: r.question,
              ...(r.team ?? {}),
              priority: r.priority,
            }),
          ),
        );
        const route = routeCase(service, { ward, answers: { dangerous } });
        assert.ok(teams.some((team) => team.teamId === route.teamId && team.organisationId === route.organisationId));
        assert.ok(PRIORITIES.includes(route.priority));
      }),
    );
  });
});
