// What an API key may be allowed to do. A scope is `<resource>:<read|write>`; add one here (and its
// description in locales) when a capability opens a new part of the JSON API.
export const SCOPES = [
  'customers:read',
  'customers:write',
  'contacts:write',
  'services:read',
  'cases:read',
  'cases:write',
  'complaints:write',
  'appointments:read',
  'appointments:write',
  'performance:read',
  'open311:write',
  'inbound-email:write',
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}
