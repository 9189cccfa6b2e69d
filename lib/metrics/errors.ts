// The one error type of the metric library. Callers (CLI, API routes) map it to
// a validation failure (HTTP 422): it always means "the input was wrong", never
// "the code broke", and its message says what to fix.

export type MetricInputErrorCode =
  | "empty_input"
  | "dimension_mismatch"
  | "non_finite"
  | "not_normalised"
  | "out_of_range"
  | "bad_argument"
  | "unknown_metric"
  | "duplicate_metric";

export class MetricInputError extends Error {
  override readonly name = "MetricInputError";
  readonly code: MetricInputErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: MetricInputErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}
