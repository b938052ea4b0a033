// Who may look up the gazetteer: any member of staff, for the council they work for or beside.
import { ROLES } from '../platform/actor.ts';
import { definePolicy, hasRole } from '../platform/policy.ts';

export const gazetteerPolicy = definePolicy<{ councilId: string }, 'lookUp'>('Gazetteer', {
  lookUp: (actor, area) => actor.councilId === area.councilId && hasRole(actor, ...ROLES),
});
