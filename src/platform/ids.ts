// Record ids are UUIDs. Anything else in a URL or a form is not a record, and is answered as
// "not found" before it reaches the database (which would refuse it with an error).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
