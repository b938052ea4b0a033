// Who may read the audit trail: administrators and data-protection officers, for the
// organisations they look after.
import { definePolicy, hasRole } from '../policy.ts';

export const auditPolicy = definePolicy<null, 'search'>('AuditTrail', {
  search: (actor) => hasRole(actor, 'admin', 'dpo'),
});
