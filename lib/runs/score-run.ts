// The body of a `score_run` job. Scores the run's samples that have no score from this
// evaluator yet, a chunk at a time: image and prompt embeddings come from the cache or are
// computed (and cached), then the chunk's cosines, cache rows and progress are committed in one
// transaction that first checks the worker still holds the job's lease. A worker killed
// mid-run therefore loses at most one uncommitted chunk, and the next worker resumes with the
// samples still unscored. When every sample has a score, the per-prompt and run-level metrics
// are computed with summarize() from the stored cosines and cached image embeddings (so the
// result does not depend on how the work was split) and written with the run's final status
// and the job's completion, again in one transaction.
//
// Status rule: the run is `scored` when at least one sample has a cosine, `failed` (with the
// error counts as the reason) when every sample failed; the per-sample errors are kept either way.
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { ClipEvaluator, ImageEmbedding } from "../clip/evaluator";
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
import {
  getCachedEmbeddings,
  putEmbeddings,
  type CachedEmbedding,
  type NewEmbedding,
} from "../embeddings/embedding-cache";
import { decodeVector } from "../embeddings/vector-codec";
import { recordEvaluator } from "../embeddings/record-evaluator";
import { config } from "../core/config";
import { AppError } from "../core/errors";
import { completeJob } from "../jobs/complete-job";
import { enqueueJob } from "../jobs/enqueue-job";
import { hasApplicableReferenceSets } from "../reference-sets/applicable-reference-sets";
import { assertLease, type Lease } from "../jobs/lease";
import { cosine, listMetrics, MetricInputError, summarize } from "../metrics";
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

export type ScoreRunResult = {
  status: "scored" | "failed";
  samples: number;
  failed: number;
  /** Distinct images this call embedded / found in the cache. */
  imagesEmbedded: number;
  imageCacheHits: number;
  textsEmbedded: number;
  textCacheHits: number;
};

type Pending = { sampleId: number; sha256: string; format: string; text: string };

export async function scoreRun(opts: ScoreRunOptions): Promise<ScoreRunResult> {
  const { runId, evaluator, lease } = opts;
  const db = getDb();
  const ev = evaluator.identity;
  const chunkSize = opts.chunkSize ?? config().scoreChunkSize;
  const log = opts.log ?? (() => {});
  const fenced = <T>(fn: (tx: DbOrTx) => T): T =>
    db.transaction(
      (tx) => {
        if (lease) assertLease(tx, lease);
        return fn(tx);
      },
      { behavior: "immediate" },
    );

  const total = fenced((tx) => {
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

  const stats: ScoreRunResult = {
    status: "scored",
    samples: total,
    failed: 0,
    imagesEmbedded: 0,
    imageCacheHits: 0,
    textsEmbedded: 0,
    textCacheHits: 0,
  };
  const texts = new Map<string, CachedEmbedding>();
  let after = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    const chunk = pendingSamples(db, runId, ev.id, after, chunkSize);
    if (chunk.length === 0) break;
    after = chunk[chunk.length - 1]!.sampleId;

    const imageRows = await embedChunkImages(db, evaluator, chunk);
    const textRows = await embedChunkTexts(db, evaluator, chunk, texts);
    stats.imagesEmbedded += imageRows.computed;
    stats.imageCacheHits += imageRows.hits;
    stats.textsEmbedded += textRows.computed;
    stats.textCacheHits += textRows.hits;

    const scores: NewSampleScoreRow[] = chunk.map((s) => {
      const img = imageRows.bySha.get(s.sha256)!;
      const base = { sampleId: s.sampleId, evaluatorId: ev.id, metricVersion: SAMPLE_SCORE_VERSION };
      if (img.error) return { ...base, cosine: null, errorCode: img.error.code, errorMessage: img.error.message };
      try {
        return {
          ...base,
          cosine: cosine(img.embedding, texts.get(s.text)!.vector),
          errorCode: null,
          errorMessage: null,
        };
      } catch (e) {
        if (!(e instanceof MetricInputError)) throw e;
        return { ...base, cosine: null, errorCode: "invalid_embedding", errorMessage: e.message };
      }
    });

    // No abort check here: a stopping worker still commits the chunk it computed, and a worker
    // that lost its lease is refused by the lease check inside the transaction.
    const done = fenced((tx) => {
      putEmbeddings(tx, ev.id, [...imageRows.fresh, ...textRows.fresh]);
      for (let k = 0; k < scores.length; k += 500)
        tx.insert(sampleScores)
          .values(scores.slice(k, k + 500))
          .onConflictDoNothing()
          .run();
      const progress = scoredCount(runId, ev.id);
      tx.update(runs)
        .set({
          progressDone: progress,
          imagesEmbedded: sql`${runs.imagesEmbedded} + ${imageRows.computed}`,
          imageCacheHits: sql`${runs.imageCacheHits} + ${imageRows.hits}`,
        })
        .where(eq(runs.id, runId))
        .run();
      return tx.select({ n: runs.progressDone }).from(runs).where(eq(runs.id, runId)).get()!.n;
    });
    log(
      `run ${runId}: ${done}/${total} samples scored (images: ${imageRows.computed} embedded, ${imageRows.hits} from cache)`,
    );
  }

  opts.signal?.throwIfAborted();
  const outcome = finalize(db, runId, ev.id, fenced, lease);
  stats.status = outcome.status;
  stats.failed = outcome.failed;
  log(`run ${runId}: ${outcome.status}${outcome.status === "failed" ? ` (${outcome.reason})` : ""}`);
  return stats;
}

/** SQL for the number of the run's samples with a stored score (or per-sample error) from `evaluatorId`. */
export function scoredCount(runId: string, evaluatorId: string) {
  return sql<number>`(select count(*) from ${sampleScores} ss join ${samples} s on s.id = ss.sample_id where s.run_id = ${runId} and ss.evaluator_id = ${evaluatorId})`;
}

function pendingSamples(db: DbOrTx, runId: string, evaluatorId: string, after: number, limit: number): Pending[] {
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

async function embedChunkImages(db: DbOrTx, evaluator: ClipEvaluator, chunk: Pending[]) {
  const evId = evaluator.identity.id;
  const formatOf = new Map(chunk.map((s) => [s.sha256, s.format]));
  const shas = [...formatOf.keys()];
  const cached = getCachedEmbeddings(db, "image", shas, evId);
  const missing = shas.filter((s) => !cached.has(s));
  const computed =
    missing.length > 0
      ? await evaluator.embedImages(missing.map((s) => () => read(s, asImageFormat(formatOf.get(s)!))))
      : [];
  const bySha = new Map<string, ImageEmbedding>();
  for (const [sha, c] of cached) bySha.set(sha, { embedding: c.vector });
  const fresh: NewEmbedding[] = [];
  missing.forEach((sha, k) => {
    const r = computed[k]!;
    bySha.set(sha, r);
    // Only vectors are cached: a failed image is tried again by the next run that has it.
    if (r.embedding) fresh.push({ kind: "image", key: sha, vector: r.embedding });
  });
  return { bySha, fresh, computed: missing.length, hits: cached.size };
}

async function embedChunkTexts(
  db: DbOrTx,
  evaluator: ClipEvaluator,
  chunk: Pending[],
  memo: Map<string, CachedEmbedding>,
) {
  const evId = evaluator.identity.id;
  const wanted = [...new Set(chunk.map((s) => s.text))].filter((t) => !memo.has(t));
  const cached = getCachedEmbeddings(
    db,
    "text",
    wanted.map((t) => textKey(t)),
    evId,
  );
  const missing: string[] = [];
  for (const t of wanted) {
    const c = cached.get(textKey(t));
    if (c) memo.set(t, c);
    else missing.push(t);
  }
  const fresh: NewEmbedding[] = [];
  if (missing.length > 0) {
    const out = await evaluator.embedTexts(missing);
    missing.forEach((t, k) => {
      const e = out[k]!;
      memo.set(t, { vector: e.embedding, truncated: e.truncated, tokenCount: e.tokenCount });
      fresh.push({
        kind: "text",
        key: textKey(t),
        vector: e.embedding,
        truncated: e.truncated,
        tokenCount: e.tokenCount,
      });
    });
  }
  return { fresh, computed: missing.length, hits: wanted.length - missing.length };
}

type Outcome = { status: "scored"; failed: number } | { status: "failed"; failed: number; reason: string };

function finalize(
  db: DbOrTx,
  runId: string,
  evaluatorId: string,
  fenced: <T>(fn: (tx: DbOrTx) => T) => T,
  lease: Lease | undefined,
): Outcome {
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

  let outcome: Outcome = { status: "scored", failed: summary.failed };
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

  fenced((tx) => {
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
