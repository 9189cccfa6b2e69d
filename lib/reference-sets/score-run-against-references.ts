// The body of a `reference_metrics` job, queued when a run is scored (lib/runs/score-run.ts) and
// for the scored runs a new reference set applies to (create-reference-set.ts). For each
// applicable reference set: the reference images are embedded by the worker's evaluator unless
// the embedding cache has them (so a set is embedded once per evaluator), the run's image
// embeddings come from the cache its scoring filled, and computeReferenceMetrics() results are
// written with the job's completion in one lease-fenced transaction.
import { and, eq, isNotNull } from "drizzle-orm";
import type { ClipEvaluator } from "../clip/evaluator";
import { getDb, type DbOrTx } from "../../db/client";
import {
  images,
  referenceImages,
  referenceScores,
  runs,
  sampleScores,
  samples,
  type ReferenceSetRow,
} from "../../db/schema";
import { getCachedEmbeddings, putEmbeddings, type NewEmbedding } from "../embeddings/embedding-cache";
import { recordEvaluator } from "../embeddings/record-evaluator";
import { config } from "../core/config";
import { AppError } from "../core/errors";
import { completeJob } from "../jobs/complete-job";
import { assertLease, type Lease } from "../jobs/lease";
import type { PromptSets } from "../metrics/distribution";
import { read } from "../storage/content-store";
import { asImageFormat } from "../storage/get-image-or-throw";
import { applicableReferenceSets } from "./applicable-reference-sets";
import { computeReferenceMetrics, type ReferenceMetrics } from "./reference-metrics";

export type ScoreAgainstReferencesResult = {
  referenceSets: number;
  skipped: string[];
  referenceImagesEmbedded: number;
  seconds: number;
};

/**
 * Scores run `runId` against every applicable reference set with `evaluator`. A reference set
 * with fewer than 2 embeddable images, or a run with fewer than 2 embedded samples, is skipped
 * with a reason (returned and logged), never an error. Throws AppError not_found for a missing run.
 */
export async function scoreRunAgainstReferences(opts: {
  runId: string;
  evaluator: ClipEvaluator;
  lease?: Lease;
  /** Aborting stops between reference sets (the worker is stopping or lost its lease). */
  signal?: AbortSignal;
  log?: (line: string) => void;
}): Promise<ScoreAgainstReferencesResult> {
  const started = performance.now();
  const db = getDb();
  const ev = opts.evaluator.identity;
  const log = opts.log ?? (() => {});
  const run = db.select({ id: runs.id, promptSetId: runs.promptSetId }).from(runs).where(eq(runs.id, opts.runId)).get();
  if (!run) throw new AppError("not_found", `run ${opts.runId} does not exist`);

  db.transaction((tx) => recordEvaluator(tx, ev));
  const generated = runEmbeddings(db, run.id, ev.id);
  const sets = applicableReferenceSets(db, run.promptSetId);
  const skipped: string[] = [];
  const results: ReferenceMetrics[] = [];
  let embedded = 0;
  for (const set of sets) {
    opts.signal?.throwIfAborted();
    const ref = await referenceEmbeddings(db, set, opts.evaluator, opts.signal);
    embedded += ref.embedded;
    const nGen = [...generated.values()].reduce((a, g) => a + g.length, 0);
    if (ref.count < 2 || nGen < 2) {
      skipped.push(
        `${set.name} v${set.version}: ${ref.count < 2 ? `${ref.count} embeddable reference images` : `${nGen} embedded samples`} (at least 2 needed)`,
      );
      continue;
    }
    const perPrompt = set.promptSetId !== null;
    const groups: PromptSets[] = perPrompt
      ? [...new Set([...generated.keys(), ...ref.byPrompt.keys()])].map((key) => ({
          key,
          generated: generated.get(key) ?? [],
          reference: ref.byPrompt.get(key) ?? [],
        }))
      : [...generated.entries()].map(([key, g], i) => ({ key, generated: g, reference: i === 0 ? ref.all : [] }));
    const m = await computeReferenceMetrics({
      referenceSet: { id: set.id, name: set.name, version: set.version, perPrompt },
      evaluator: { id: ev.id, name: ev.name },
      groups,
      threads: config().threads,
    });
    log(
      `run ${run.id} vs reference ${set.name} v${set.version}: ${m.nGenerated} × ${m.nReference} in ${m.seconds.toFixed(2)} s (${m.backend})`,
    );
    results.push(m);
  }
  for (const s of skipped) log(`run ${run.id}: skipped reference ${s}`);

  opts.signal?.throwIfAborted();
  db.transaction(
    (tx) => {
      if (opts.lease) assertLease(tx, opts.lease);
      tx.delete(referenceScores)
        .where(and(eq(referenceScores.runId, run.id), eq(referenceScores.evaluatorId, ev.id)))
        .run();
      for (const m of results)
        tx.insert(referenceScores)
          .values({ runId: run.id, referenceSetId: m.referenceSet.id, evaluatorId: ev.id, metrics: m })
          .run();
      if (opts.lease) completeJob(opts.lease.jobId, opts.lease.workerId, tx);
    },
    { behavior: "immediate" },
  );
  return {
    referenceSets: results.length,
    skipped,
    referenceImagesEmbedded: embedded,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The run's cached image embeddings by the evaluator, grouped by prompt row id (failed samples have none). */
function runEmbeddings(db: DbOrTx, runId: string, evaluatorId: string): Map<string, Float32Array[]> {
  const rows = db
    .select({ promptId: samples.promptId, sha: samples.imageSha256 })
    .from(samples)
    .innerJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, evaluatorId)))
    .where(and(eq(samples.runId, runId), isNotNull(sampleScores.cosine)))
    .all();
  const cache = getCachedEmbeddings(
    db,
    "image",
    rows.map((r) => r.sha),
    evaluatorId,
  );
  const out = new Map<string, Float32Array[]>();
  for (const r of rows) {
    const v = cache.get(r.sha);
    if (!v) continue;
    const key = String(r.promptId);
    if (!out.has(key)) out.set(key, []);
    out.get(key)!.push(v.vector);
  }
  return out;
}

/**
 * The reference set's embeddings (cached, else computed and cached), all and by prompt row id
 * (tied sets: the prompt set the run is on). Missing ones are embedded and cached a batch at a
 * time, and `signal` is checked between batches: a job that makes way for a higher lane (or
 * stops) keeps what it embedded.
 */
async function referenceEmbeddings(db: DbOrTx, set: ReferenceSetRow, evaluator: ClipEvaluator, signal?: AbortSignal) {
  const evId = evaluator.identity.id;
  const rows = db
    .select({ sha: referenceImages.imageSha256, format: images.format, promptId: referenceImages.promptId })
    .from(referenceImages)
    .innerJoin(images, eq(images.sha256, referenceImages.imageSha256))
    .where(eq(referenceImages.referenceSetId, set.id))
    .all();
  const formatOf = new Map(rows.map((r) => [r.sha, r.format]));
  const cached = getCachedEmbeddings(db, "image", [...formatOf.keys()], evId);
  const vectors = new Map<string, Float32Array>([...cached].map(([k, c]) => [k, c.vector]));
  const missing = [...formatOf.keys()].filter((s) => !cached.has(s));
  let embedded = 0;
  // Small batches: a job that makes way for an upload's scoring waits for at most one batch
  // (8 ViT-B/32 images take a few seconds on a loaded 2-core machine).
  const BATCH = 8;
  for (let k = 0; k < missing.length; k += BATCH) {
    signal?.throwIfAborted();
    const part = missing.slice(k, k + BATCH);
    const out = await evaluator.embedImages(part.map((s) => () => read(s, asImageFormat(formatOf.get(s)!))));
    const fresh: NewEmbedding[] = [];
    part.forEach((sha, j) => {
      const e = out[j]!.embedding;
      if (!e) return;
      vectors.set(sha, e);
      fresh.push({ kind: "image", key: sha, vector: e });
    });
    if (fresh.length) getDb().transaction((tx) => putEmbeddings(tx, evId, fresh));
    embedded += fresh.length;
  }
  const all: Float32Array[] = [];
  const byPrompt = new Map<string, Float32Array[]>();
  for (const r of rows) {
    const v = vectors.get(r.sha);
    if (!v) continue;
    all.push(v);
    if (r.promptId !== null) {
      const key = String(r.promptId);
      if (!byPrompt.has(key)) byPrompt.set(key, []);
      byPrompt.get(key)!.push(v);
    }
  }
  return { all, byPrompt, count: all.length, embedded };
}
