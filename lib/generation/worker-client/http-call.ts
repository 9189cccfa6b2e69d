// One call to the service for a worker (generation: worker-api.ts; scoring:
// lib/workers/remote/scoring-api.ts): the worker token as a bearer, a per-request timeout, and
// network errors, timeouts, 429 and 5xx answers retried with backoff (Retry-After honoured).
// Every other answer is returned as it came, for the caller to map.
import { backoffDelay, sleep, type BackoffPolicy } from "./backoff";
import { errorBodySchema } from "./task-schema";

export class WorkerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "WorkerApiError";
  }
}

/** The server could not be reached (after retries). */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}

export type HttpCallOptions = {
  serverUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Tries per call for retryable failures (default 6: about 15 s of backoff). */
  attempts?: number;
  backoff?: BackoffPolicy;
  /** Per-request timeout (default 60 s). */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
};

export type CallInit = {
  json?: unknown;
  bytes?: Uint8Array;
  /** Content-Type of `bytes` (default image/png). */
  bytesType?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  attempts?: number;
  /** Read the body as bytes instead of JSON or text. */
  binary?: boolean;
  /** Do not follow redirects (the caller reads Location itself). */
  manualRedirect?: boolean;
};

export type Answer = { status: number; headers: Headers; body: unknown };

function describeNetworkError(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
    if (e.name === "TimeoutError") return "timed out";
    return cause?.code ?? cause?.message ?? e.message;
  }
  return String(e);
}

export function errorMessage(body: unknown): string | undefined {
  const e = errorBodySchema.safeParse(body);
  return e.success ? e.data.error.message : undefined;
}

/** A call with retries; resolves to any answer that is not retryable (below 500 and not 429). */
export async function httpCall(
  opts: HttpCallOptions,
  method: string,
  path: string,
  init: CallInit = {},
): Promise<Answer> {
  const base = opts.serverUrl.replace(/\/+$/, "");
  const fetchFn = opts.fetch ?? fetch;
  const backoff = opts.backoff ?? { baseMs: 500, maxMs: 8000 };
  const log = opts.log ?? (() => {});
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token}`, accept: "application/json" };
  let body: BodyInit | undefined;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  } else if (init.bytes) {
    headers["content-type"] = init.bytesType ?? "image/png";
    // Node Buffers are typed over ArrayBufferLike; fetch sends any byte view.
    body = init.bytes as Uint8Array<ArrayBuffer>;
  }
  const attempts = init.attempts ?? opts.attempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    init.signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(init.timeoutMs ?? opts.requestTimeoutMs ?? 60_000);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let problem: string;
    let retryAfterMs: number | undefined;
    try {
      const res = await fetchFn(`${base}${path}`, {
        method,
        headers,
        body,
        signal,
        ...(init.manualRedirect ? { redirect: "manual" as const } : {}),
      });
      let parsed: unknown;
      if (init.binary && res.status < 300) parsed = Buffer.from(await res.arrayBuffer());
      else {
        const text = await res.text();
        parsed = text;
        if (text && (res.headers.get("content-type") ?? "").includes("json")) {
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
        }
      }
      if (res.status !== 429 && res.status < 500) return { status: res.status, headers: res.headers, body: parsed };
      problem = `${res.status} ${errorMessage(parsed) ?? res.statusText}`;
      const ra = Number(res.headers.get("retry-after"));
      if (Number.isFinite(ra) && ra > 0) retryAfterMs = Math.min(ra * 1000, 60_000);
      if (attempt >= attempts) {
        const e = errorBodySchema.safeParse(parsed);
        throw new WorkerApiError(
          res.status,
          e.success ? e.data.error.code : "http_error",
          `${method} ${path}: ${problem}`,
        );
      }
    } catch (e) {
      if (e instanceof WorkerApiError) throw e;
      if (init.signal?.aborted) throw init.signal.reason;
      problem = describeNetworkError(e);
      if (attempt >= attempts) throw new NetworkError(`${method} ${path}: ${problem} (gave up after ${attempt} tries)`);
    }
    const delay = retryAfterMs ?? backoffDelay(attempt, backoff);
    log(
      `${method} ${path}: ${problem}; retrying in ${(delay / 1000).toFixed(1)} s (try ${attempt + 1} of ${attempts})`,
    );
    await sleep(delay, init.signal);
  }
}

/** The error for an answer the caller did not expect, with the server's code and message when it sent the error shape. */
export function unexpectedAnswer(method: string, path: string, a: Answer): WorkerApiError {
  const e = errorBodySchema.safeParse(a.body);
  if (e.success)
    return new WorkerApiError(
      a.status,
      e.data.error.code,
      `${method} ${path}: ${a.status} ${e.data.error.message}`,
      e.data.error.details,
    );
  const text = typeof a.body === "string" ? a.body.slice(0, 200) : JSON.stringify(a.body)?.slice(0, 200);
  return new WorkerApiError(
    a.status,
    "http_error",
    `${method} ${path}: unexpected ${a.status}${text ? `: ${text}` : ""}`,
  );
}
