// Every migration, in order. Listed here rather than read from the directory so that the set
// is fixed at build time and /readyz can tell whether the database is current.
import type { Migration } from 'kysely';
import * as platform from './0001_platform.ts';
import * as customers from './0002_customers.ts';
import * as api from './0003_api.ts';
import * as notifications from './0007_notifications.ts';

export const migrations: Record<string, Migration> = {
  '0001_platform': platform,
  '0002_customers': customers,
  '0003_api': api,
  '0007_notifications': notifications,
};
