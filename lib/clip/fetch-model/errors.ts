// The errors of fetch-model: FetchModelError (what a user sees; `code` picks the exit status)
// and the retryable failures the download loop tries again.
export type FetchModelErrorCode =
  "usage" | "unverified" | "already-installed" | "integrity" | "network" | "http" | "io" | "locked";

export class FetchModelError extends Error {
  constructor(
    readonly code: FetchModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "FetchModelError";
  }
}

/** A failure worth another attempt: the connection, a 5xx, or a body cut short. */
export class RetryableError extends Error {
  constructor(
    readonly kind: "connect" | "transfer" | "status",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export async function io<T>(op: () => Promise<T>, target: string): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw ioError(err, target);
  }
}

export function ioError(err: unknown, target: string): Error {
  if (err instanceof FetchModelError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOSPC") {
    return new FetchModelError(
      "io",
      `disk full while writing ${target}: free some space or choose another --models-dir`,
      { cause: err },
    );
  }
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new FetchModelError(
      "io",
      `cannot write ${target} (${code}): choose a writable --models-dir or set T2I_MODELS_DIR`,
      { cause: err },
    );
  }
  return new FetchModelError("io", `could not write ${target}: ${(err as Error).message}`, { cause: err });
}

export function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ""}`;
  return (err as Error)?.message ?? String(err);
}
