// SQLite's "busy": another connection (a `sqlite3` shell, a backup, a long `runs rescore --all`,
// another worker, the web server's own transaction) holds the write lock for longer than this
// connection's busy timeout. It is a state of the database, not a fault of the work: callers
// wait and retry (workers) or answer 503 with Retry-After (requests), never fail the work.

/** True when `e` (or an error in its cause chain, as drizzle wraps driver errors) is SQLITE_BUSY or SQLITE_LOCKED. */
export function isBusyError(e: unknown): boolean {
  for (let err = e as { code?: unknown; cause?: unknown } | undefined, depth = 0; err && depth < 5; depth++) {
    const code = typeof err.code === "string" ? err.code : "";
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return true;
    err = err.cause as typeof err;
  }
  return false;
}

export type BusyRetryOptions = {
  /** Aborting ends the wait: the last busy error is thrown. */
  signal?: AbortSignal;
  /** Give up (throw the busy error) once this much time has passed; default: never. */
  maxWaitMs?: number;
  /** First pause between attempts; doubles up to maxDelayMs. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each pause with the attempt number (1 = the first attempt failed) and the error. */
  onBusy?: (attempt: number, error: unknown) => void;
};

/**
 * Runs `fn` until it does not throw a busy error, pausing with exponential backoff between
 * attempts (asynchronously: the thread's event loop stays free while it waits). Any other error
 * is thrown at once. `fn` must be safe to repeat: a transaction whose BEGIN IMMEDIATE met the
 * lock did nothing, and one that failed later was rolled back.
 */
export async function retryWhileBusy<T>(fn: () => T | Promise<T>, opts: BusyRetryOptions = {}): Promise<T> {
  const started = Date.now();
  let delay = opts.firstDelayMs ?? 50;
  const maxDelay = opts.maxDelayMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isBusyError(e)) throw e;
      if (opts.signal?.aborted) throw e;
      const left = opts.maxWaitMs === undefined ? Infinity : opts.maxWaitMs - (Date.now() - started);
      if (left <= 0) throw e;
      opts.onBusy?.(attempt, e);
      await pause(Math.min(delay, left), opts.signal);
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
