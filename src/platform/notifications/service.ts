// Reading the outbox: a council's messages, newest first, and each one exactly as it was sent.
import type { Db } from '../../db/database.ts';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { NotFound } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { outboxPolicy } from './policy.ts';
import { findNotification, listOutbox, type OutboxMessage, type OutboxPage } from './repo.ts';
import type { OutboxFilters } from './types.ts';

export function createNotificationsService(db: Db) {
  /** The council whose outbox `actor` reads: their own. */
  const councilOf = (actor: Actor): string => {
    if (actor.kind === 'system') throw new NotFound('outbox');
    return actor.councilId;
  };

  return {
    async list(actor: Actor, filters: OutboxFilters, before?: string): Promise<OutboxPage> {
      const councilId = councilOf(actor);
      outboxPolicy.authorize(actor, 'read', { councilId });
      return await listOutbox(db, councilId, filters, before);
    },

    /** One message, whole. Reading it is recorded: it holds a resident's personal data. */
    async read(actor: Actor, id: string): Promise<OutboxMessage> {
      const councilId = councilOf(actor);
      outboxPolicy.authorize(actor, 'read', { councilId });
      const message = isUuid(id) ? await findNotification(db, id) : undefined;
      // Another council's message is answered as missing, not as forbidden.
      if (!message || message.councilId !== councilId) throw new NotFound('notification');
      await recordAudit(db, actor, {
        action: 'notification.read',
        organisationId: message.councilId,
        recordType: 'notification',
        recordId: message.id,
      });
      return message;
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
