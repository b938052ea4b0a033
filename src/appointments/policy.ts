// Who may do what with appointments and the face-to-face queue. Sites, their calendars and the
// services that take appointments belong to a council and are set up by its administrators. Anyone
// on the council's front line may book an appointment for a resident and see a site's day; those
// at the desks (advisors and team leaders) check people in and call them from the queue; team
// leaders and performance analysts see the figures. Partner agencies' people see none of it.
// Other systems read slots with `appointments:read` and book with `appointments:write`.
import type { StaffActor } from '../platform/actor.ts';
import { definePolicy, hasRole, hasScope, keyServesCouncil } from '../platform/policy.ts';

export interface AppointmentPlacement {
  councilId: string;
}

const inCouncil = (actor: StaffActor, record: AppointmentPlacement): boolean =>
  actor.organisationKind === 'council' && actor.councilId === record.councilId;

export const appointmentPolicy = definePolicy<AppointmentPlacement, 'administer' | 'book' | 'read' | 'serve' | 'monitor'>(
  'Appointment',
  {
    administer: (actor, record) => inCouncil(actor, record) && hasRole(actor, 'admin'),
    book: (actor, record) => inCouncil(actor, record) && hasRole(actor, 'advisor', 'officer', 'team_leader'),
    read: (actor, record) => inCouncil(actor, record) && hasRole(actor, 'advisor', 'officer', 'team_leader', 'admin'),
    serve: (actor, record) => inCouncil(actor, record) && hasRole(actor, 'advisor', 'team_leader'),
    monitor: (actor, record) => inCouncil(actor, record) && hasRole(actor, 'team_leader', 'performance_analyst'),
  },
  {
    read: (key, record) => hasScope(key, 'appointments:read') && keyServesCouncil(key, record.councilId),
    book: (key, record) =>
      hasScope(key, 'appointments:write') && key.organisationKind === 'council' && keyServesCouncil(key, record.councilId),
  },
);
