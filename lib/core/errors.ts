// The one application error type. Route handlers map it to HTTP with lib/http/respond.ts;
// anything else that escapes becomes a logged 500 whose body leaks nothing.
import type { ZodError } from "zod";

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** A worker's lease on a task or job expired or was never its own (docs/reference/worker-protocol.md). */
  lease_lost: 409,
  /** A scoring worker's evaluator is not the one the job needs; details name both. */
  evaluator_mismatch: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After for 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** A zod failure on request input becomes a 422 naming each bad field. */
export function validationError(err: ZodError, what = "request"): AppError {
  const issues = err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = issues[0];
  return new AppError(
    "validation_failed",
    `invalid ${what}: ${first?.path ? `${first.path}: ` : ""}${first?.message ?? "invalid"}`,
    { issues },
  );
}
