// HTTP client for the generation worker protocol (docs/reference/worker-protocol.md, v1). Network errors,
// timeouts, 429 and 5xx answers are retried with backoff; every other answer is mapped to a
// result or a typed error here, so the worker loop never looks at status codes.
import type { BackoffPolicy } from "./backoff";
import { httpCall, NetworkError, unexpectedAnswer, WorkerApiError, type Answer } from "./http-call";
import {
  claimResponseSchema,
  claimedIdSchema,
  errorBodySchema,
  failResponseSchema,
  heartbeatResponseSchema,
  missingSamplesDetailsSchema,
  type Task,
} from "./task-schema";

/** The server took the task back (409 lease_lost): stop working on it and report nothing. */
export class LeaseLostError extends Error {
  constructor(readonly taskId: string) {
    super(`lost the lease on task ${taskId}`);
    this.name = "LeaseLostError";
  }
}

/** What a worker reports when completing a task (docs/reference/worker-protocol.md). */
export type WorkerProvenance = { engine: string; model?: { name: string; sha256: string } };

/** complete answered 422: these sample indexes are not stored. */
export class MissingSamplesError extends WorkerApiError {
  constructor(
    readonly taskId: string,
    readonly missing: number[],
  ) {
    super(422, "validation_failed", `the server is missing samples ${missing.join(", ")} of task ${taskId}`, {
      missing,
    });
    this.name = "MissingSamplesError";
  }
}

/** A claim whose body did not match the Task shape; its id is kept so it can be failed. */
export class UnreadableTaskError extends Error {
  constructor(
    readonly taskId: string,
    message: string,
  ) {
    super(message);
    this.name = "UnreadableTaskError";
  }
}

export type ClaimedTask = { task: Task; leaseMs: number };
export type PutSampleResult = "stored" | "already_stored" | "other_bytes_stored";

export type WorkerApiOptions = {
  serverUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Tries per call for retryable failures (default 6: about 15 s of backoff). */
  attempts?: number;
  backoff?: BackoffPolicy;
  /** Per-request timeout; claims add their waitSeconds (default 60 s). */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
};

export { NetworkError, WorkerApiError };

const MAX_LEASE_MS = 60 * 60 * 1000;

/**
 * Lease length from an answer: leaseExpiresAt minus now. The local clock is used when it gives a
 * sane length; a skewed one falls back to the server's Date header (1 s resolution).
 */
export function leaseMsFrom(leaseExpiresAt: string, dateHeader: string | null, now = Date.now()): number {
  const expires = Date.parse(leaseExpiresAt);
  const local = expires - now;
  if (local > 0 && local <= MAX_LEASE_MS) return local;
  const serverNow = dateHeader ? Date.parse(dateHeader) : NaN;
  const remote = expires - serverNow;
  if (Number.isFinite(remote) && remote > 0 && remote <= MAX_LEASE_MS) return remote;
  // Unknown: beat often rather than lose the task.
  return 10_000;
}

export class WorkerApi {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly attempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly timeoutMs: number;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: WorkerApiOptions) {
    this.base = opts.serverUrl.replace(/\/+$/, "");
    this.fetchFn = opts.fetch ?? fetch;
    this.attempts = opts.attempts ?? 6;
    this.backoff = opts.backoff ?? { baseMs: 500, maxMs: 8000 };
    this.timeoutMs = opts.requestTimeoutMs ?? 60_000;
    this.log = opts.log ?? (() => {});
  }

  private request(
    method: string,
    path: string,
    init: { json?: unknown; bytes?: Uint8Array; signal?: AbortSignal; timeoutMs?: number; attempts?: number } = {},
  ): Promise<Answer> {
    return httpCall(
      {
        serverUrl: this.base,
        token: this.opts.token,
        fetch: this.fetchFn,
        attempts: this.attempts,
        backoff: this.backoff,
        requestTimeoutMs: this.timeoutMs,
        log: this.log,
      },
      method,
      path,
      init,
    );
  }

  private unexpected(method: string, path: string, a: Answer): WorkerApiError {
    return unexpectedAnswer(method, path, a);
  }

  /**
   * The names among `variants` the service knows no variant by (GET /api/v1/variants/{name}
   * answers 404): a worker declaring only those would wait for tasks that can never exist.
   * Network errors are retried like every call; another non-200 answer throws WorkerApiError.
   */
  async unknownVariants(variants: string[]): Promise<string[]> {
    const unknown: string[] = [];
    for (const name of variants) {
      const path = `/api/v1/variants/${encodeURIComponent(name)}`;
      const a = await this.request("GET", path);
      if (a.status === 404) unknown.push(name);
      else if (a.status !== 200) throw this.unexpected("GET", path, a);
    }
    return unknown;
  }

  /** Long-polls for a task of one of `variants`; null when none came within waitSeconds. */
  async claim(variants: string[], waitSeconds: number, signal?: AbortSignal): Promise<ClaimedTask | null> {
    const path = "/api/v1/worker/claim";
    const a = await this.request("POST", path, {
      json: { variants, waitSeconds },
      signal,
      timeoutMs: this.timeoutMs + waitSeconds * 1000,
    });
    if (a.status === 204) return null;
    if (a.status !== 200) throw this.unexpected("POST", path, a);
    const parsed = claimResponseSchema.safeParse(a.body);
    if (!parsed.success) {
      const id = claimedIdSchema.safeParse(a.body);
      const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      if (id.success) throw new UnreadableTaskError(id.data.task.id, `the worker could not read the task: ${issues}`);
      throw new WorkerApiError(200, "bad_response", `POST ${path}: answer is not a task: ${issues}`);
    }
    return { task: parsed.data.task, leaseMs: leaseMsFrom(parsed.data.task.leaseExpiresAt, a.headers.get("date")) };
  }

  /** Extends the lease; one try (the lease keeper retries on its own schedule). */
  async heartbeat(taskId: string, signal?: AbortSignal): Promise<{ leaseExpiresAt: string; leaseMs: number }> {
    const path = `/api/v1/worker/tasks/${encodeURIComponent(taskId)}/heartbeat`;
    const a = await this.request("POST", path, { signal, attempts: 1 });
    if (a.status === 409) throw new LeaseLostError(taskId);
    if (a.status !== 200) throw this.unexpected("POST", path, a);
    const parsed = heartbeatResponseSchema.safeParse(a.body);
    if (!parsed.success) throw new WorkerApiError(200, "bad_response", `POST ${path}: answer has no leaseExpiresAt`);
    return {
      leaseExpiresAt: parsed.data.leaseExpiresAt,
      leaseMs: leaseMsFrom(parsed.data.leaseExpiresAt, a.headers.get("date")),
    };
  }

  /**
   * Uploads one sample. Retries are safe: the same bytes again answer 200. A 409 that is not
   * lease_lost means an earlier attempt stored other bytes for this index (another GPU's
   * rounding, say); the server keeps those, so this worker moves on.
   */
  async putSample(taskId: string, index: number, png: Uint8Array, signal?: AbortSignal): Promise<PutSampleResult> {
    const path = `/api/v1/worker/tasks/${encodeURIComponent(taskId)}/samples/${index}`;
    const a = await this.request("PUT", path, { bytes: png, signal });
    if (a.status === 201) return "stored";
    if (a.status === 200) return "already_stored";
    if (a.status === 409) {
      const e = errorBodySchema.safeParse(a.body);
      if (e.success && e.data.error.code === "lease_lost") throw new LeaseLostError(taskId);
      return "other_bytes_stored";
    }
    throw this.unexpected("PUT", path, a);
  }

  /** `provenance`: the engine and model that made the samples, shown on the run page. */
  async complete(taskId: string, signal?: AbortSignal, provenance?: WorkerProvenance): Promise<void> {
    const path = `/api/v1/worker/tasks/${encodeURIComponent(taskId)}/complete`;
    const a = await this.request("POST", path, { signal, ...(provenance ? { json: provenance } : {}) });
    if (a.status === 200) return;
    if (a.status === 409) throw new LeaseLostError(taskId);
    if (a.status === 422) {
      const e = errorBodySchema.safeParse(a.body);
      const missing = e.success ? missingSamplesDetailsSchema.safeParse(e.data.error.details) : undefined;
      if (missing?.success) throw new MissingSamplesError(taskId, missing.data.missing);
    }
    throw this.unexpected("POST", path, a);
  }

  async fail(taskId: string, error: string, signal?: AbortSignal): Promise<{ retry: boolean }> {
    const path = `/api/v1/worker/tasks/${encodeURIComponent(taskId)}/fail`;
    const a = await this.request("POST", path, { json: { error }, signal });
    if (a.status === 409) throw new LeaseLostError(taskId);
    if (a.status !== 200) throw this.unexpected("POST", path, a);
    const parsed = failResponseSchema.safeParse(a.body);
    if (!parsed.success) throw new WorkerApiError(200, "bad_response", `POST ${path}: answer has no retry flag`);
    return parsed.data;
  }
}
