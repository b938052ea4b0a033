// The words the outbox's parts share: a message's statuses and the outbox's filters.
import type { Channel } from './templates.ts';

export const STATUSES = ['queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type NotificationStatus = (typeof STATUSES)[number];

export interface OutboxFilters {
  channel?: Channel;
  status?: NotificationStatus;
  event?: string;
}
