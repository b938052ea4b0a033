// Who may do what with complaints. A complaint belongs to its council: anyone on the front line
// may record one for a resident (from any channel), but what residents said about the council is
// read and worked by its complaints officers and team leaders only; performance analysts see the
// figures. Partner agencies' people never see complaints. Other systems may record one with the
// `complaints:write` scope.
import { LOGGING_ROLES } from '../contacts/policy.ts';
import type { StaffActor } from '../platform/actor.ts';
import { definePolicy, hasRole, hasScope, keyServesCouncil } from '../platform/policy.ts';

export interface ComplaintPlacement {
  councilId: string;
}

const inCouncil = (actor: StaffActor, record: ComplaintPlacement): boolean =>
  actor.organisationKind === 'council' && actor.councilId === record.councilId;

const handles = (actor: StaffActor, record: ComplaintPlacement): boolean =>
  inCouncil(actor, record) && hasRole(actor, 'complaints_officer', 'team_leader');

export const complaintPolicy = definePolicy<ComplaintPlacement, 'record' | 'read' | 'work' | 'monitor' | 'assess'>(
  'Complaint',
  {
    record: (actor, record) => inCouncil(actor, record) && hasRole(actor, ...LOGGING_ROLES),
    read: handles,
    work: handles,
    monitor: (actor, record) =>
      inCouncil(actor, record) && hasRole(actor, 'complaints_officer', 'team_leader', 'performance_analyst'),
    // The yearly self-assessment against the Code is the complaints team's to keep.
    assess: (actor, record) => inCouncil(actor, record) && hasRole(actor, 'complaints_officer'),
  },
  {
    record: (key, record) =>
      hasScope(key, 'complaints:write') && key.organisationKind === 'council' && keyServesCouncil(key, record.councilId),
  },
);
