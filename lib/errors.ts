/**
 * Typed errors shared by every layer. `code` is stable and machine-readable (tests and the API key on it);
 * `permanent` says whether retrying the same input could ever succeed (the job queue fails permanent errors
 * at once instead of backing off).
 */
export class PmaError extends Error {
  readonly code: string;
  readonly permanent: boolean;
  readonly details?: unknown;

  constructor(code: string, message: string, options: { permanent?: boolean; details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PmaError";
    this.code = code;
    this.permanent = options.permanent ?? true;
    this.details = options.details;
  }
}

export function isPmaError(value: unknown): value is PmaError {
  return value instanceof PmaError;
}

/** A one-line, user-facing description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof PmaError) return `${error.message} [${error.code}]`;
  if (error instanceof Error) return error.message;
  return String(error);
}
