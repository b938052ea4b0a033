// Searching the audit trail, within the organisations the reader looks after.
import type { Db } from '../../db/database.ts';
import type { Actor } from '../actor.ts';
import type { OrganisationScope } from '../policy.ts';
import { searchAudit, type AuditFilters } from './audit.ts';
import { auditPolicy } from './policy.ts';

export function createAuditService(db: Db) {
  return {
    async search(actor: Actor, filters: AuditFilters, before?: string) {
      auditPolicy.authorize(actor, 'search', null);
      // A council's readers see the council and its partners; a partner's, their own agency.
      const scope: OrganisationScope | 'all' =
        actor.kind === 'system'
          ? 'all'
          : actor.organisationKind === 'council'
            ? { councilId: actor.organisationId }
            : { organisationIds: [actor.organisationId] };
      return await searchAudit(db, scope, filters, before);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
