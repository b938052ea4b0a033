// Who may see and keep the council's performance figures. Performance analysts and team leaders
// read the indicators, the report and the dashboards; analysts keep the targets, the figures
// entered by hand and the action tracker. Other systems read the indicators with
// `performance:read`. Partner agencies' people see none of it.
import type { StaffActor } from '../platform/actor.ts';
import { definePolicy, hasRole, hasScope, keyServesCouncil } from '../platform/policy.ts';

export interface PerformancePlacement {
  councilId: string;
}

const inCouncil = (actor: StaffActor, record: PerformancePlacement): boolean =>
  actor.organisationKind === 'council' && actor.councilId === record.councilId;

export const performancePolicy = definePolicy<PerformancePlacement, 'read' | 'manage'>(
  'Performance',
  {
    read: (actor, record) => inCouncil(actor, record) && hasRole(actor, 'performance_analyst', 'team_leader'),
    manage: (actor, record) => inCouncil(actor, record) && hasRole(actor, 'performance_analyst'),
  },
  {
    read: (key, record) =>
      hasScope(key, 'performance:read') && key.organisationKind === 'council' && keyServesCouncil(key, record.councilId),
  },
);
