// Errors are values with a kind. Rules throw them; the HTTP layer turns them into a GOV.UK
// error page or an RFC 9457 problem in one place (platform/http/errorHandler.ts).

/** A field-level problem: `field` is the form field or JSON property, `message` an i18n key. */
export interface FieldError {
  field: string;
  message: string;
  /** Values interpolated into the message, e.g. `{ min: 12 }`. */
  params?: Record<string, string | number>;
}

export class NotFound extends Error {
  readonly kind = 'not_found';
  constructor(readonly what = 'record') {
    super(`${what} not found`);
    this.name = 'NotFound';
  }
}

export class NotAllowed extends Error {
  readonly kind = 'not_allowed';
  constructor(readonly reason = 'not allowed') {
    super(reason);
    this.name = 'NotAllowed';
  }
}

export class Invalid extends Error {
  readonly kind = 'invalid';
  constructor(readonly errors: FieldError[]) {
    super(`invalid: ${errors.map((error) => `${error.field} ${error.message}`).join(', ')}`);
    this.name = 'Invalid';
  }
}

export class Conflict extends Error {
  readonly kind = 'conflict';
  /** `reason` is an i18n key saying why, e.g. `users.errors.emailTaken`. */
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Conflict';
  }
}

export type DomainError = NotFound | NotAllowed | Invalid | Conflict;

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof NotFound || error instanceof NotAllowed || error instanceof Invalid || error instanceof Conflict;
}

/**
 * A problem that stops OneDoor starting (bad DATA_DIR, unreachable database, another
 * instance running). The command prints its message as one line and exits non-zero.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
