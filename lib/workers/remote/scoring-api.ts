// HTTP client for the scoring job protocol (docs/reference/worker-protocol.md, "Scoring jobs").
// Retries like the generation worker's client (lib/generation/worker-client/http-call.ts); maps
// 409 lease_lost to LeaseLostError (the loop abandons the job), and a wrong token or evaluator to
// StopWorkerError (the worker cannot do any job: it stops and says why).
import { ImageSourceUnavailableError } from "../../clip/evaluator";
import type { EvaluatorIdentity } from "../../clip/identity";
import type { CachedEmbedding, NewEmbedding } from "../../embeddings/embedding-cache";
import {
  httpCall,
  unexpectedAnswer,
  type Answer,
  type HttpCallOptions,
} from "../../generation/worker-client/http-call";
import { leaseMsFrom } from "../../generation/worker-client/worker-api";
import { errorBodySchema } from "../../generation/worker-client/task-schema";
import {
  beginReferenceMetricsResponseSchema,
  beginScoreRunResponseSchema,
  claimJobResponseSchema,
  completeScoreRunResponseSchema,
  failJobResponseSchema,
  heartbeatJobResponseSchema,
  referenceImagesResponseSchema,
  resultsResponseSchema,
  runEmbeddingsResponseSchema,
  samplesResponseSchema,
  vectorFromBase64,
  vectorToBase64,
} from "../../http/scoring-worker-schemas";
import type { FailJobResult } from "../../jobs/fail-job";
import { LeaseLostError } from "../../jobs/lease";
import type { ReferenceMetrics } from "../../reference-sets/reference-metrics";
import type { ReferenceImage, ReferenceSetInput, RunEmbedding } from "../../reference-sets/reference-metrics-store";
import type { ChunkResult, RunOutcome, ScoringChunk } from "../../scoring/score-run-chunks";
import { StopWorkerError, type ClaimedJob } from "../job-source";
import type { z } from "zod";

export type ScoringApiOptions = HttpCallOptions & { workerId: string };

/** Who calls about a job: the lease's worker and the evaluator the results are labelled with. */
type Call = { jobId: number; evaluatorId: string };

export class ScoringApi {
  constructor(private readonly opts: ScoringApiOptions) {}

  get workerId(): string {
    return this.opts.workerId;
  }

  private call(method: string, path: string, init: Parameters<typeof httpCall>[3] = {}): Promise<Answer> {
    return httpCall(this.opts, method, path, init);
  }

  /** Maps an answer to its parsed body, or to the error the worker acts on. */
  private expect<T extends z.ZodType>(method: string, path: string, a: Answer, schema: T, job?: number): z.output<T> {
    if (a.status === 200) {
      const parsed = schema.safeParse(a.body);
      if (parsed.success) return parsed.data;
      throw new Error(`${method} ${path}: unreadable answer: ${parsed.error.issues[0]?.message ?? "?"}`);
    }
    const code = errorBodySchema.safeParse(a.body).data?.error.code;
    if (a.status === 409 && code === "lease_lost" && job !== undefined)
      throw new LeaseLostError(job, this.opts.workerId);
    if (a.status === 401 || (a.status === 409 && code === "evaluator_mismatch"))
      throw new StopWorkerError(unexpectedAnswer(method, path, a).message);
    throw unexpectedAnswer(method, path, a);
  }

  private jobPath(jobId: number, rest: string): string {
    return `/api/v1/worker/jobs/${jobId}/${rest}`;
  }

  private query(c: Call, extra: Record<string, string | number> = {}): string {
    const q = new URLSearchParams({ workerId: this.opts.workerId, evaluatorId: c.evaluatorId });
    for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
    return q.toString();
  }

  /** Long-polls for a job; null when none came within waitSeconds. */
  async claim(evaluator: EvaluatorIdentity, waitSeconds: number, signal?: AbortSignal): Promise<ClaimedJob | null> {
    const path = "/api/v1/worker/jobs/claim";
    const a = await this.call("POST", path, {
      json: { workerId: this.opts.workerId, evaluator, waitSeconds },
      signal,
      timeoutMs: (this.opts.requestTimeoutMs ?? 60_000) + waitSeconds * 1000,
    });
    if (a.status === 204) return null;
    const { job } = this.expect("POST", path, a, claimJobResponseSchema);
    return { ...job, leaseMs: leaseMsFrom(job.leaseExpiresAt, a.headers.get("date")) };
  }

  /** One try: the loop beats again on its own schedule. False when the lease is gone. */
  async heartbeat(jobId: number): Promise<boolean> {
    const path = this.jobPath(jobId, "heartbeat");
    const a = await this.call("POST", path, { json: { workerId: this.opts.workerId }, attempts: 1 });
    try {
      this.expect("POST", path, a, heartbeatJobResponseSchema, jobId);
      return true;
    } catch (e) {
      if (e instanceof LeaseLostError) return false;
      throw e;
    }
  }

  async beginScoreRun(c: Call): Promise<{ total: number }> {
    const path = this.jobPath(c.jobId, "begin");
    const a = await this.call("POST", path, { json: { workerId: this.opts.workerId, evaluatorId: c.evaluatorId } });
    return this.expect("POST", path, a, beginScoreRunResponseSchema, c.jobId);
  }

  async beginReferenceMetrics(c: Call): Promise<{ sets: ReferenceSetInput[] }> {
    const path = this.jobPath(c.jobId, "begin");
    const a = await this.call("POST", path, { json: { workerId: this.opts.workerId, evaluatorId: c.evaluatorId } });
    return this.expect("POST", path, a, beginReferenceMetricsResponseSchema, c.jobId);
  }

  async samples(c: Call, after: number, limit: number): Promise<ScoringChunk> {
    const path = `${this.jobPath(c.jobId, "samples")}?${this.query(c, { after, limit })}`;
    const body = this.expect("GET", path, await this.call("GET", path), samplesResponseSchema, c.jobId);
    return {
      samples: body.samples,
      images: new Map(Object.entries(body.images).map(([k, v]) => [k, vectorFromBase64(v)])),
      texts: new Map<string, CachedEmbedding>(
        Object.entries(body.texts).map(([k, t]) => [
          k,
          { vector: vectorFromBase64(t.vector), truncated: t.truncated, tokenCount: t.tokenCount },
        ]),
      ),
    };
  }

  /** Posts a chunk's results; safe to retry (the server keeps what it has). */
  async results(c: Call, r: Partial<ChunkResult> & { embeddings: NewEmbedding[] }): Promise<{ done?: number }> {
    const path = this.jobPath(c.jobId, "results");
    const a = await this.call("POST", path, {
      json: {
        workerId: this.opts.workerId,
        evaluatorId: c.evaluatorId,
        scores: r.scores ?? [],
        embeddings: r.embeddings.map((e) => ({
          kind: e.kind,
          key: e.key,
          vector: vectorToBase64(e.vector),
          ...(e.truncated !== undefined ? { truncated: e.truncated } : {}),
          ...(e.tokenCount !== undefined ? { tokenCount: e.tokenCount } : {}),
        })),
        imagesEmbedded: r.imagesEmbedded ?? 0,
        imageCacheHits: r.imageCacheHits ?? 0,
      },
    });
    return this.expect("POST", path, a, resultsResponseSchema, c.jobId);
  }

  async runEmbeddings(c: Call, after: number, limit: number): Promise<RunEmbedding[]> {
    const path = `${this.jobPath(c.jobId, "run-embeddings")}?${this.query(c, { after, limit })}`;
    const body = this.expect("GET", path, await this.call("GET", path), runEmbeddingsResponseSchema, c.jobId);
    return body.rows.map((r) => ({ ...r, vector: r.vector === null ? null : vectorFromBase64(r.vector) }));
  }

  async referenceImages(
    c: Call,
    setId: string,
    after: number,
    limit: number,
  ): Promise<{ images: ReferenceImage[]; cached: Map<string, Float32Array> }> {
    const path = `${this.jobPath(c.jobId, "reference-images")}?${this.query(c, { set: setId, after, limit })}`;
    const body = this.expect("GET", path, await this.call("GET", path), referenceImagesResponseSchema, c.jobId);
    return {
      images: body.images,
      cached: new Map(Object.entries(body.cached).map(([k, v]) => [k, vectorFromBase64(v)])),
    };
  }

  /** score_run: the server computes the run's metrics (allow it time); answers the run's outcome. */
  async completeScoreRun(c: Call): Promise<RunOutcome> {
    const path = this.jobPath(c.jobId, "complete");
    const a = await this.call("POST", path, {
      json: { workerId: this.opts.workerId, evaluatorId: c.evaluatorId },
      timeoutMs: 10 * 60_000,
    });
    const r = this.expect("POST", path, a, completeScoreRunResponseSchema, c.jobId);
    return r.status === "failed"
      ? { status: "failed", failed: r.failed, reason: r.reason ?? "" }
      : { status: "scored", failed: r.failed };
  }

  async completeReferenceMetrics(c: Call, results: ReferenceMetrics[]): Promise<void> {
    const path = this.jobPath(c.jobId, "complete");
    const a = await this.call("POST", path, {
      json: { workerId: this.opts.workerId, evaluatorId: c.evaluatorId, results },
    });
    this.expect("POST", path, a, resultsResponseSchema, c.jobId);
  }

  async fail(jobId: number, error: string, retry: boolean): Promise<FailJobResult> {
    const path = this.jobPath(jobId, "fail");
    const a = await this.call("POST", path, { json: { workerId: this.opts.workerId, error, retry } });
    try {
      return this.expect("POST", path, a, failJobResponseSchema, jobId).result;
    } catch (e) {
      if (e instanceof LeaseLostError) return "not_owner";
      throw e;
    }
  }

  async release(jobId: number): Promise<boolean> {
    const path = this.jobPath(jobId, "release");
    const a = await this.call("POST", path, { json: { workerId: this.opts.workerId } });
    if (a.status !== 200) throw unexpectedAnswer("POST", path, a);
    return (a.body as { released?: boolean }).released === true;
  }

  /**
   * An image's bytes. A server with an object store may answer with a redirect to a presigned
   * URL: it is fetched without the worker token (the URL carries its own signature).
   */
  async image(sha256: string, signal?: AbortSignal): Promise<Buffer> {
    const path = `/api/v1/worker/images/${sha256}`;
    let a: Answer;
    try {
      a = await this.call("GET", path, { binary: true, manualRedirect: true, signal });
    } catch (e) {
      // Not the image's fault: the job fails and is retried instead of the sample being marked unreadable.
      throw new ImageSourceUnavailableError((e as Error).message);
    }
    if (a.status === 200) return a.body as Buffer;
    const location = a.status >= 300 && a.status < 400 ? a.headers.get("location") : null;
    if (location) {
      let res: Response;
      try {
        res = await (this.opts.fetch ?? fetch)(new URL(location, this.opts.serverUrl), {
          signal: signal ?? AbortSignal.timeout(this.opts.requestTimeoutMs ?? 60_000),
        });
      } catch (e) {
        throw new ImageSourceUnavailableError(
          `GET ${path}: the object store could not be reached: ${(e as Error).message}`,
        );
      }
      if (res.ok) return Buffer.from(await res.arrayBuffer());
      const message = `GET ${path}: the object store answered ${res.status} for the presigned URL`;
      throw res.status === 404 ? new Error(message) : new ImageSourceUnavailableError(message);
    }
    if (a.status === 401) throw new StopWorkerError(unexpectedAnswer("GET", path, a).message);
    // 404: the server has no such image (a per-sample error, as a missing file is in-process).
    throw unexpectedAnswer("GET", path, a);
  }
}
