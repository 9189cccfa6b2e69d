// What the scoring-job routes (app/api/v1/worker/jobs/) do for a remote worker: the same steps
// the in-process worker's database stores run (lib/runs/score-run.ts,
// lib/reference-sets/reference-metrics-store.ts), under the remote worker's lease and with the
// service's evaluator identity. Claims long-poll; a job queued in this process wakes them at once
// (lib/jobs/wake.ts), others are found at the next poll (T2I_JOB_POLL_MS).
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { getDb } from "../../../db/client";
import { jobs, runs, type JobKind, type JobRow } from "../../../db/schema";
import { TOY_EVALUATOR_NAME, type EvaluatorIdentity } from "../../clip/identity";
import { config } from "../../core/config";
import { AppError } from "../../core/errors";
import type { NewEmbedding } from "../../embeddings/embedding-cache";
import { claimJob } from "../../jobs/claim-job";
import { failJob, type FailJobResult } from "../../jobs/fail-job";
import { heartbeat } from "../../jobs/heartbeat";
import { releaseJob } from "../../jobs/release-job";
import { sleepUntilWoken } from "../../jobs/wake";
import {
  MAX_JOB_WAIT_SECONDS,
  vectorFromBase64,
  vectorToBase64,
  type ClaimedJobBody,
  type jobResultsJsonSchema,
  type referenceMetricsRecordSchema,
} from "../../http/scoring-worker-schemas";
import { applicableReferenceSets } from "../../reference-sets/applicable-reference-sets";
import type { ReferenceMetrics } from "../../reference-sets/reference-metrics";
import {
  beginReferenceMetrics,
  completeReferenceMetrics,
  putReferenceEmbeddings,
  referenceImagesPage,
  runEmbeddingsPage,
} from "../../reference-sets/reference-metrics-store";
import { beginScoring, commitScoringChunk, finishScoring, nextScoringChunk } from "../../runs/score-run";
import { checkWorkerEvaluator, heldJob, leaseOwner, remoteLease, underLease } from "./job-lease";

type Caller = { tokenId: string; workerId: string };
type JobCall = Caller & { jobId: number; evaluatorId: string };

function view(job: JobRow): ClaimedJobBody {
  return {
    id: job.id,
    kind: job.kind,
    runId: job.runId,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    priority: job.priority,
    leaseExpiresAt: (job.leaseExpiresAt ?? new Date()).toISOString(),
  };
}

/**
 * Claims the next job for a remote worker with `evaluator`, waiting up to `waitSeconds` (long
 * poll). 409 evaluator_mismatch before anything is claimed when the evaluator is not the service's.
 */
export async function claimRemoteJob(
  opts: Caller & { evaluator: EvaluatorIdentity; waitSeconds: number; signal?: AbortSignal },
): Promise<ClaimedJobBody | undefined> {
  await checkWorkerEvaluator(opts.evaluator);
  const cfg = config();
  const owner = leaseOwner(opts.tokenId, opts.workerId);
  const deadline = Date.now() + Math.min(Math.max(opts.waitSeconds, 0), MAX_JOB_WAIT_SECONDS) * 1000;
  for (;;) {
    // Demo runs are toy-world results: only a toy-world evaluator scores them (as in-process).
    const job = claimJob(owner, cfg.jobLeaseMs, Date.now(), { demoRuns: opts.evaluator.name === TOY_EVALUATOR_NAME });
    if (job) return view(job);
    const left = deadline - Date.now();
    if (left <= 0 || opts.signal?.aborted) return undefined;
    await sleepUntilWoken(Math.min(cfg.jobPollMs, left), opts.signal);
  }
}

/** A job the caller holds, of `kind` when given, after checking the evaluator. */
async function held(call: JobCall, kind?: JobKind) {
  const identity = await checkWorkerEvaluator({ id: call.evaluatorId });
  const owner = leaseOwner(call.tokenId, call.workerId);
  const job = heldJob(call.jobId, owner);
  if (kind && job.kind !== kind)
    throw new AppError("bad_request", `job ${job.id} is a ${job.kind} job; this call is for ${kind} jobs`);
  return { job, owner, identity, lease: remoteLease(job, call.tokenId, call.workerId) };
}

export function heartbeatRemoteJob(call: Caller & { jobId: number }): { leaseExpiresAt: string } {
  const owner = leaseOwner(call.tokenId, call.workerId);
  const leaseMs = config().jobLeaseMs;
  if (!heartbeat(call.jobId, owner, leaseMs)) heldJob(call.jobId, owner); // throws 404 / 409 with the reason
  return { leaseExpiresAt: new Date(Date.now() + leaseMs).toISOString() };
}

/** score_run: marks the run scoring, answers its sample count. reference_metrics: answers the applicable reference sets. */
export async function beginRemoteJob(call: JobCall): Promise<{ total: number } | { sets: unknown[] }> {
  const { job, owner, identity, lease } = await held(call);
  return underLease(job.id, owner, () =>
    job.kind === "score_run"
      ? { total: beginScoring(job.runId, identity, lease) }
      : { sets: beginReferenceMetrics(job.runId, identity, lease) },
  );
}

/** score_run: the next chunk of unscored samples with the cached embeddings of their images and prompts. */
export async function remoteScoringChunk(call: JobCall & { after: number; limit: number }) {
  const { job, identity } = await held(call, "score_run");
  const chunk = nextScoringChunk(getDb(), job.runId, identity.id, call.after, call.limit);
  return {
    samples: chunk.samples,
    images: Object.fromEntries([...chunk.images].map(([k, v]) => [k, vectorToBase64(v)])),
    texts: Object.fromEntries(
      [...chunk.texts].map(([k, c]) => [
        k,
        { vector: vectorToBase64(c.vector), truncated: c.truncated, tokenCount: c.tokenCount },
      ]),
    ),
  };
}

function embeddingsOf(body: z.output<typeof jobResultsJsonSchema>): NewEmbedding[] {
  try {
    return body.embeddings.map((e) => ({
      kind: e.kind,
      key: e.key,
      vector: vectorFromBase64(e.vector),
      truncated: e.truncated,
      tokenCount: e.tokenCount,
    }));
  } catch (e) {
    throw new AppError("validation_failed", (e as Error).message);
  }
}

/**
 * score_run: stores a chunk's scores and embeddings (idempotent: a repeated post answers 200 and
 * changes nothing); reference_metrics: caches reference image embeddings. 409 lease_lost and
 * nothing written when the lease is gone.
 */
export async function postRemoteResults(
  call: JobCall & { body: z.output<typeof jobResultsJsonSchema> },
): Promise<{ done?: number }> {
  const { job, owner, identity, lease } = await held(call);
  const fresh = embeddingsOf(call.body);
  const dims = new Set(fresh.map((e) => e.vector.length));
  if (dims.size > 1)
    throw new AppError("validation_failed", `embeddings of ${[...dims].join(" and ")} dimensions in one post`);
  return underLease(job.id, owner, () => {
    if (job.kind === "reference_metrics") {
      if (call.body.scores.length > 0)
        throw new AppError("validation_failed", "a reference_metrics job posts embeddings only");
      putReferenceEmbeddings(identity.id, fresh, lease);
      return {};
    }
    const done = commitScoringChunk(
      job.runId,
      identity.id,
      {
        scores: call.body.scores,
        embeddings: fresh,
        imagesEmbedded: call.body.imagesEmbedded,
        imageCacheHits: call.body.imageCacheHits,
      },
      lease,
    );
    return { done };
  });
}

/** reference_metrics: a page of the run's embedded samples. */
export async function remoteRunEmbeddings(call: JobCall & { after: number; limit: number }) {
  const { job, identity } = await held(call, "reference_metrics");
  const rows = runEmbeddingsPage(getDb(), job.runId, identity.id, call.after, call.limit);
  return { rows: rows.map((r) => ({ ...r, vector: r.vector ? vectorToBase64(r.vector) : null })) };
}

/** reference_metrics: a page of a reference set's images, with the cached embeddings among them. */
export async function remoteReferenceImages(call: JobCall & { setId: string; after: number; limit: number }) {
  const { job, identity } = await held(call, "reference_metrics");
  if (!applicableSetsOfRun(job.runId).some((s) => s.id === call.setId))
    throw new AppError("not_found", `reference set ${call.setId} does not apply to run ${job.runId}`);
  const page = referenceImagesPage(getDb(), call.setId, identity.id, call.after, call.limit);
  return {
    images: page.images,
    cached: Object.fromEntries([...page.cached].map(([k, v]) => [k, vectorToBase64(v)])),
  };
}

/** The reference sets that apply to run `runId` (read only; beginReferenceMetrics also records the evaluator). */
function applicableSetsOfRun(runId: string) {
  const run = getDb().select({ promptSetId: runs.promptSetId }).from(runs).where(eq(runs.id, runId)).get();
  return run ? applicableReferenceSets(getDb(), run.promptSetId) : [];
}

/**
 * score_run: computes and stores the run's metrics and final status and completes the job;
 * reference_metrics: stores `results` (one per applicable reference set, labelled with this
 * evaluator) and completes the job. A job already done answers 200 again.
 */
export async function completeRemoteJob(
  call: JobCall & { results?: z.output<typeof referenceMetricsRecordSchema>[] },
): Promise<{ status?: string; failed?: number; reason?: string }> {
  const identity = await checkWorkerEvaluator({ id: call.evaluatorId });
  const owner = leaseOwner(call.tokenId, call.workerId);
  const current = getDb().select().from(jobs).where(eq(jobs.id, call.jobId)).get();
  if (current?.status === "done") {
    const run = getDb().select().from(runs).where(eq(runs.id, current.runId)).get();
    return current.kind === "score_run" && run ? { status: run.status } : {};
  }
  const job = heldJob(call.jobId, owner);
  const lease = remoteLease(job, call.tokenId, call.workerId);
  if (job.kind === "score_run") return underLease(job.id, owner, () => finishScoring(job.runId, identity.id, lease));
  const results = call.results ?? [];
  const applicable = new Set(applicableSetsOfRun(job.runId).map((s) => s.id));
  for (const r of results) {
    if (r.evaluator.id !== identity.id)
      throw new AppError(
        "validation_failed",
        `a result is labelled with evaluator ${r.evaluator.id}, not ${identity.id}`,
      );
    if (!applicable.has(r.referenceSet.id))
      throw new AppError("validation_failed", `reference set ${r.referenceSet.id} does not apply to run ${job.runId}`);
  }
  underLease(job.id, owner, () =>
    completeReferenceMetrics(
      job.runId,
      (results as unknown as ReferenceMetrics[]).map((metrics) => ({ evaluatorId: identity.id, metrics })),
      [identity.id],
      lease,
    ),
  );
  return {};
}

export function failRemoteJob(call: Caller & { jobId: number; error: string; retry: boolean }): FailJobResult {
  const result = failJob(call.jobId, leaseOwner(call.tokenId, call.workerId), call.error, { retry: call.retry });
  if (result === "not_owner") heldJob(call.jobId, leaseOwner(call.tokenId, call.workerId));
  return result;
}

export function releaseRemoteJob(call: Caller & { jobId: number }): boolean {
  return releaseJob(call.jobId, leaseOwner(call.tokenId, call.workerId));
}
