// The database side of a `score_run` job (the algorithm is lib/scoring/score-run-chunks.ts).
// Each step is one transaction that first checks the worker still holds the job's lease: a
// chunk's cosines, cache rows and progress commit together, so a worker killed mid-run loses at
// most one uncommitted chunk and the next worker resumes with the samples still unscored. When
// every sample has a score, the per-prompt and run-level metrics are computed with summarize()
// from the stored cosines and cached image embeddings (so the result does not depend on how the
// work was split) and written with the run's final status and the job's completion, again in one
// transaction.
//
// Status rule: the run is `scored` when at least one sample has a cosine, `failed` (with the
// error counts as the reason) when every sample failed; the per-sample errors are kept either way.
import { and, asc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { ClipEvaluator } from "../clip/evaluator";
import type { EvaluatorIdentity } from "../clip/identity";
import { getDb, type DbOrTx } from "../../db/client";
import {
  images,
  promptScores,
  prompts,
  runScores,
  runs,
  sampleScores,
  samples,
  type MetricVersions,
  type NewSampleScoreRow,
} from "../../db/schema";
import { textKey } from "../core/prompt-identity";
import { getCachedEmbeddings, putEmbeddings } from "../embeddings/embedding-cache";
import { decodeVector } from "../embeddings/vector-codec";
import { recordEvaluator } from "../embeddings/record-evaluator";
import { config } from "../core/config";
import { AppError } from "../core/errors";
import { completeJob } from "../jobs/complete-job";
import { enqueueJob } from "../jobs/enqueue-job";
import { hasApplicableReferenceSets } from "../reference-sets/applicable-reference-sets";
import { fenced, type Lease } from "../jobs/lease";
import { listMetrics, summarize } from "../metrics";
import {
  scoreRunChunks,
  type ChunkResult,
  type PendingSample,
  type RunOutcome,
  type RunScoringStore,
  type ScoreRunResult,
  type ScoringChunk,
} from "../scoring/score-run-chunks";
import { asImageFormat } from "../storage/get-image-or-throw";
import { read } from "../storage/content-store";

/** Version of the stored per-sample quantity: the raw cosine of L2-normalised CLIP embeddings. */
export const SAMPLE_SCORE_VERSION = 1;

/** Bootstrap settings of stored intervals; the CLI's defaults, so both report the same numbers. */
export const RUN_BOOTSTRAP = { B: 1000, seed: 0 } as const;

export type ScoreRunOptions = {
  runId: string;
  evaluator: ClipEvaluator;
  /** The job's lease; without one nothing is fenced and no job is completed. */
  lease?: Lease;
  chunkSize?: number;
  /** Checked between chunks: a worker stopping or losing its lease aborts it. */
  signal?: AbortSignal;
  log?: (line: string) => void;
};

export async function scoreRun(opts: ScoreRunOptions): Promise<ScoreRunResult> {
  return scoreRunChunks(localRunScoringStore(opts.runId, opts.evaluator.identity, opts.lease), opts.evaluator, {
    runId: opts.runId,
    chunkSize: opts.chunkSize ?? config().scoreChunkSize,
    signal: opts.signal,
    log: opts.log,
  });
}

/**
 * The database behind scoreRunChunks: each step runs in one IMMEDIATE transaction that first
 * checks the lease (when there is one). The server's remote-worker routes call the same steps
 * with the remote worker's lease (app/api/v1/worker/jobs/).
 */
export function localRunScoringStore(runId: string, ev: EvaluatorIdentity, lease?: Lease): RunScoringStore {
  const db = getDb();
  return {
    begin: async () => ({ total: beginScoring(runId, ev, lease) }),
    nextChunk: async (after, limit) => nextScoringChunk(db, runId, ev.id, after, limit),
    readImage: (s) => read(s.sha256, asImageFormat(s.format)),
    commitChunk: async (r) => ({ done: commitScoringChunk(runId, ev.id, r, lease) }),
    finish: async () => finishScoring(runId, ev.id, lease),
  };
}

/** Marks run `runId` scoring by evaluator `ev` and answers its sample count. Throws not_found for a missing run. */
export function beginScoring(runId: string, ev: EvaluatorIdentity, lease?: Lease): number {
  return fenced(lease, (tx) => {
    const run = tx.select({ id: runs.id }).from(runs).where(eq(runs.id, runId)).get();
    if (!run) throw new AppError("not_found", `run ${runId} does not exist`);
    recordEvaluator(tx, ev);
    const n = tx
      .select({ n: sql<number>`count(*)` })
      .from(samples)
      .where(eq(samples.runId, runId))
      .get()!.n;
    tx.update(runs)
      .set({
        status: "scoring",
        evaluatorId: ev.id,
        error: null,
        startedAt: sql`coalesce(${runs.startedAt}, ${Date.now()})`,
        progressTotal: n,
        progressDone: scoredCount(runId, ev.id),
      })
      .where(eq(runs.id, runId))
      .run();
    return n;
  });
}

/** Up to `limit` of the run's samples after id `after` without a score from `evaluatorId`, with the cached embeddings of their images and prompts. */
export function nextScoringChunk(
  db: DbOrTx,
  runId: string,
  evaluatorId: string,
  after: number,
  limit: number,
): ScoringChunk {
  const chunk = pendingSamples(db, runId, evaluatorId, after, limit);
  const images = getCachedEmbeddings(
    db,
    "image",
    chunk.map((s) => s.sha256),
    evaluatorId,
  );
  const texts = getCachedEmbeddings(
    db,
    "text",
    chunk.map((s) => textKey(s.text)),
    evaluatorId,
  );
  return { samples: chunk, images: new Map([...images].map(([k, c]) => [k, c.vector])), texts };
}

/**
 * Stores one chunk's embeddings and scores under the lease and answers the run's scored count.
 * Idempotent: scores and embeddings already stored are kept, and a chunk whose every score was
 * stored before (a retried post) leaves the run's counters as they are. Throws LeaseLostError
 * when the lease is gone (nothing is written) and AppError validation_failed when a score is for
 * a sample of another run.
 */
export function commitScoringChunk(runId: string, evaluatorId: string, r: ChunkResult, lease?: Lease): number {
  return fenced(lease, (tx) => {
    const ids = [...new Set(r.scores.map((s) => s.sampleId))];
    for (let k = 0; k < ids.length; k += 500) {
      const part = ids.slice(k, k + 500);
      const mine = tx
        .select({ n: sql<number>`count(*)` })
        .from(samples)
        .where(and(eq(samples.runId, runId), inArray(samples.id, part)))
        .get()!.n;
      if (mine !== part.length)
        throw new AppError("validation_failed", `some scored samples are not samples of run ${runId}`);
    }
    putEmbeddings(tx, evaluatorId, r.embeddings);
    const rows: NewSampleScoreRow[] = r.scores.map((s) => ({
      ...s,
      evaluatorId,
      metricVersion: SAMPLE_SCORE_VERSION,
    }));
    let inserted = 0;
    for (let k = 0; k < rows.length; k += 500)
      inserted += tx
        .insert(sampleScores)
        .values(rows.slice(k, k + 500))
        .onConflictDoNothing()
        .run().changes;
    const progress = scoredCount(runId, evaluatorId);
    tx.update(runs)
      .set(
        inserted > 0 || rows.length === 0
          ? {
              progressDone: progress,
              imagesEmbedded: sql`${runs.imagesEmbedded} + ${r.imagesEmbedded}`,
              imageCacheHits: sql`${runs.imageCacheHits} + ${r.imageCacheHits}`,
            }
          : { progressDone: progress },
      )
      .where(eq(runs.id, runId))
      .run();
    return tx.select({ n: runs.progressDone }).from(runs).where(eq(runs.id, runId)).get()!.n;
  });
}

/** SQL for the number of the run's samples with a stored score (or per-sample error) from `evaluatorId`. */
export function scoredCount(runId: string, evaluatorId: string) {
  return sql<number>`(select count(*) from ${sampleScores} ss join ${samples} s on s.id = ss.sample_id where s.run_id = ${runId} and ss.evaluator_id = ${evaluatorId})`;
}

function pendingSamples(db: DbOrTx, runId: string, evaluatorId: string, after: number, limit: number): PendingSample[] {
  return db
    .select({ sampleId: samples.id, sha256: samples.imageSha256, format: images.format, text: prompts.text })
    .from(samples)
    .innerJoin(images, eq(images.sha256, samples.imageSha256))
    .innerJoin(prompts, eq(prompts.id, samples.promptId))
    .leftJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, evaluatorId)))
    .where(and(eq(samples.runId, runId), gt(samples.id, after), isNull(sampleScores.sampleId)))
    .orderBy(asc(samples.id))
    .limit(limit)
    .all();
}

/**
 * Once every sample has a score: the per-prompt and run-level metrics from the stored cosines and
 * cached image embeddings, written with the run's final status and the job's completion in one
 * transaction under the lease.
 */
export function finishScoring(runId: string, evaluatorId: string, lease?: Lease): RunOutcome {
  const db = getDb();
  const rows = db
    .select({
      scoreOf: sampleScores.sampleId,
      promptId: samples.promptId,
      text: prompts.text,
      cosine: sampleScores.cosine,
      errorCode: sampleScores.errorCode,
      errorMessage: sampleScores.errorMessage,
      vector: sql<Buffer | null>`(select e.vector from embeddings e where e.kind = 'image' and e.key = samples.image_sha256 and e.evaluator_id = ${evaluatorId})`,
    })
    .from(samples)
    .innerJoin(prompts, eq(prompts.id, samples.promptId))
    .leftJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, evaluatorId)))
    .where(eq(samples.runId, runId))
    .orderBy(asc(samples.id))
    .all();
  if (rows.length === 0) throw new AppError("validation_failed", `run ${runId} has no samples`);
  const unscored = rows.filter((r) => r.scoreOf === null).length;
  if (unscored > 0) throw new Error(`run ${runId}: ${unscored} samples still have no score; cannot summarise yet`);

  const byGroup = new Map<string, Float32Array[]>();
  const items = rows.map((r) => {
    const group = String(r.promptId);
    if (!byGroup.has(group)) byGroup.set(group, []);
    if (r.cosine !== null) {
      if (!r.vector) throw new Error(`run ${runId}: a scored sample's image embedding is missing from the cache`);
      byGroup.get(group)!.push(decodeVector(r.vector));
    }
    return { group, cosine: r.cosine };
  });
  const { groups, summary } = summarize(items, byGroup, { bootstrap: RUN_BOOTSTRAP });

  const textOf = new Map(rows.map((r) => [String(r.promptId), r.text]));
  const textCache = getCachedEmbeddings(
    db,
    "text",
    [...textOf.values()].map((t) => textKey(t)),
    evaluatorId,
  );
  const truncated = (group: string) => textCache.get(textKey(textOf.get(group)!))?.truncated === true;
  const metricVersions: MetricVersions = Object.fromEntries(listMetrics().map((m) => [m.name, m.version]));

  let outcome: RunOutcome = { status: "scored", failed: summary.failed };
  if (summary.failed === summary.n) {
    const counts = new Map<string, { n: number; message: string }>();
    for (const r of rows) {
      const c = counts.get(r.errorCode ?? "unknown");
      if (c) c.n++;
      else counts.set(r.errorCode ?? "unknown", { n: 1, message: r.errorMessage ?? "" });
    }
    const parts = [...counts].map(([code, c]) => `${c.n}× ${code}${c.message ? ` (e.g. ${c.message})` : ""}`);
    outcome = { status: "failed", failed: summary.failed, reason: `every sample failed to score: ${parts.join("; ")}` };
  }

  fenced(lease, (tx) => {
    tx.delete(promptScores)
      .where(and(eq(promptScores.runId, runId), eq(promptScores.evaluatorId, evaluatorId)))
      .run();
    const promptRows = groups.map((g) => ({
      runId,
      promptId: Number(g.group),
      evaluatorId,
      n: g.n,
      failed: g.failed,
      cosSum: g.cosSum,
      cosSqSum: g.cosSqSum,
      clipScore: g.clipScore,
      clipS: g.clipS,
      diversity: g.diversity,
      diversityReason: g.diversityReason ?? null,
      vendi: g.vendi,
      truncated: truncated(g.group),
      metricVersions,
    }));
    for (let k = 0; k < promptRows.length; k += 500)
      tx.insert(promptScores)
        .values(promptRows.slice(k, k + 500))
        .run();
    tx.delete(runScores)
      .where(and(eq(runScores.runId, runId), eq(runScores.evaluatorId, evaluatorId)))
      .run();
    tx.insert(runScores)
      .values({
        runId,
        evaluatorId,
        n: summary.n,
        failed: summary.failed,
        groups: summary.groups,
        clipScore: summary.clipScore,
        clipS: summary.clipS,
        diversity: summary.diversity,
        vendi: summary.vendi,
        diversityGroups: summary.diversityGroups,
        truncatedPrompts: groups.filter((g) => truncated(g.group)).length,
        ci: summary.ci,
        metricVersions,
      })
      .run();
    tx.update(runs)
      .set({
        status: outcome.status,
        error: outcome.status === "failed" ? outcome.reason : null,
        progressDone: summary.n,
        finishedAt: new Date(),
      })
      .where(eq(runs.id, runId))
      .run();
    if (lease) completeJob(lease.jobId, lease.workerId, tx);
    // Distribution metrics against reference sets follow as their own job (lib/reference-sets).
    if (outcome.status === "scored" && hasApplicableReferenceSets(tx, runId))
      enqueueJob(tx, { kind: "reference_metrics", runId, lane: "follow_up" });
  });
  return outcome;
}
