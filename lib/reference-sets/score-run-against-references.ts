// The body of a `reference_metrics` job, queued when a run is scored (lib/runs/score-run.ts) and
// for the scored runs a new reference set applies to (create-reference-set.ts). For each
// applicable reference set and each feature space — the worker's CLIP evaluator, then every image
// feature extractor the service is configured with (T2I_FEATURE_EXTRACTORS, e.g. DINOv2 under the
// dgm-eval recipe): the reference images are embedded in that space unless the embedding cache has
// them (so a set is embedded once per space), the run's images likewise (in the CLIP space its
// scoring filled the cache), and computeReferenceMetrics() results, one row per (run, set, space),
// are written with the job's completion in one lease-fenced transaction.
import { and, eq, isNotNull } from "drizzle-orm";
import type { ImageEmbedding, ImageSource } from "../clip/evaluator";
import type { EvaluatorIdentity } from "../clip/identity";
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

/** What embeds images in one feature space: a ClipEvaluator or an ImageFeatureExtractor. */
export type ImageEmbedder = {
  identity: EvaluatorIdentity;
  embedImages(images: ImageSource[]): Promise<ImageEmbedding[]>;
};

export type ScoreAgainstReferencesResult = {
  /** Results written: one per applicable reference set and feature space. */
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
  evaluator: ImageEmbedder;
  /** Further feature spaces (image feature extractors), loaded on first need. */
  featureSpaces?: () => Promise<ImageEmbedder[]>;
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
  const results: { space: string; metrics: ReferenceMetrics }[] = [];
  let embedded = 0;
  const spaces: { embedder: ImageEmbedder; generated: Map<string, Float32Array[]> }[] = [
    { embedder: opts.evaluator, generated },
  ];
  if (sets.length > 0 && opts.featureSpaces) {
    for (const extractor of await opts.featureSpaces()) {
      opts.signal?.throwIfAborted();
      db.transaction((tx) => recordEvaluator(tx, extractor.identity));
      const g = await runEmbeddingsIn(db, run.id, ev.id, extractor, opts.signal);
      embedded += g.embedded;
      spaces.push({ embedder: extractor, generated: g.byPrompt });
    }
  }
  for (const space of spaces) {
    const id = space.embedder.identity;
    for (const set of sets) {
      opts.signal?.throwIfAborted();
      const ref = await referenceEmbeddings(db, set, space.embedder, opts.signal);
      embedded += ref.embedded;
      const nGen = [...space.generated.values()].reduce((a, g) => a + g.length, 0);
      if (ref.count < 2 || nGen < 2) {
        skipped.push(
          `${set.name} v${set.version} in ${id.id}: ${ref.count < 2 ? `${ref.count} embeddable reference images` : `${nGen} embedded samples`} (at least 2 needed)`,
        );
        continue;
      }
      const perPrompt = set.promptSetId !== null;
      const groups: PromptSets[] = perPrompt
        ? [...new Set([...space.generated.keys(), ...ref.byPrompt.keys()])].map((key) => ({
            key,
            generated: space.generated.get(key) ?? [],
            reference: ref.byPrompt.get(key) ?? [],
          }))
        : [...space.generated.entries()].map(([key, g], i) => ({
            key,
            generated: g,
            reference: i === 0 ? ref.all : [],
          }));
      const m = await computeReferenceMetrics({
        referenceSet: { id: set.id, name: set.name, version: set.version, perPrompt },
        evaluator: {
          id: id.id,
          name: id.name,
          ...(id.kind === "image-features" ? { kind: id.kind, recipe: id.recipe } : {}),
        },
        groups,
        threads: config().threads,
        embeddedBy: { generated: id.id, reference: ref.embeddedBy },
      });
      log(
        `run ${run.id} vs reference ${set.name} v${set.version} in ${m.fdLabel.slice(3)}: ${m.nGenerated} × ${m.nReference} in ${m.seconds.toFixed(2)} s (${m.backend})`,
      );
      results.push({ space: id.id, metrics: m });
    }
  }
  for (const s of skipped) log(`run ${run.id}: skipped reference ${s}`);

  opts.signal?.throwIfAborted();
  db.transaction(
    (tx) => {
      if (opts.lease) assertLease(tx, opts.lease);
      for (const space of spaces)
        tx.delete(referenceScores)
          .where(and(eq(referenceScores.runId, run.id), eq(referenceScores.evaluatorId, space.embedder.identity.id)))
          .run();
      for (const r of results)
        tx.insert(referenceScores)
          .values({
            runId: run.id,
            referenceSetId: r.metrics.referenceSet.id,
            evaluatorId: r.space,
            metrics: r.metrics,
          })
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
 * The run's images in an image feature extractor's space, grouped by prompt row id: the same
 * samples as the CLIP space (those `clipEvaluatorId` scored), embedded unless cached.
 */
async function runEmbeddingsIn(
  db: DbOrTx,
  runId: string,
  clipEvaluatorId: string,
  extractor: ImageEmbedder,
  signal?: AbortSignal,
): Promise<{ byPrompt: Map<string, Float32Array[]>; embedded: number }> {
  const rows = db
    .select({ promptId: samples.promptId, sha: samples.imageSha256, format: images.format })
    .from(samples)
    .innerJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, clipEvaluatorId)))
    .innerJoin(images, eq(images.sha256, samples.imageSha256))
    .where(and(eq(samples.runId, runId), isNotNull(sampleScores.cosine)))
    .all();
  const vectors = await embedCached(db, new Map(rows.map((r) => [r.sha, r.format])), extractor, signal);
  const byPrompt = new Map<string, Float32Array[]>();
  for (const r of rows) {
    const v = vectors.map.get(r.sha);
    if (!v) continue;
    const key = String(r.promptId);
    if (!byPrompt.has(key)) byPrompt.set(key, []);
    byPrompt.get(key)!.push(v);
  }
  return { byPrompt, embedded: vectors.embedded };
}

/**
 * Vectors of `formatOf`'s images (sha256 → format) in `embedder`'s space: cached, else embedded
 * and cached a batch at a time. `signal` is checked between batches, so a job that makes way for
 * a higher lane (or stops) keeps what it embedded.
 */
async function embedCached(
  db: DbOrTx,
  formatOf: Map<string, string>,
  embedder: ImageEmbedder,
  signal?: AbortSignal,
): Promise<{ map: Map<string, Float32Array>; embedded: number }> {
  const evId = embedder.identity.id;
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
    const out = await embedder.embedImages(part.map((s) => () => read(s, asImageFormat(formatOf.get(s)!))));
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
  return { map: vectors, embedded };
}

/** The reference set's embeddings (cached, else computed and cached), all and by prompt row id (tied sets: the prompt set the run is on). */
async function referenceEmbeddings(db: DbOrTx, set: ReferenceSetRow, evaluator: ImageEmbedder, signal?: AbortSignal) {
  const evId = evaluator.identity.id;
  const rows = db
    .select({ sha: referenceImages.imageSha256, format: images.format, promptId: referenceImages.promptId })
    .from(referenceImages)
    .innerJoin(images, eq(images.sha256, referenceImages.imageSha256))
    .where(eq(referenceImages.referenceSetId, set.id))
    .all();
  const { map: vectors, embedded } = await embedCached(
    db,
    new Map(rows.map((r) => [r.sha, r.format])),
    evaluator,
    signal,
  );
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
  return { all, byPrompt, count: all.length, embedded, embeddedBy: evId };
}
