// The data of a `reference_metrics` job (score-run-against-references.ts does the work): the
// run's image embeddings, the applicable reference sets with their images and cached embeddings,
// and the writes, each checked against the job's lease. Two stores: the database (below; the
// in-process worker and `npm run worker`) and HTTP (lib/workers/remote/), whose server side
// calls the functions below with the remote worker's lease. Only the database store serves the
// further feature spaces (image feature extractors, T2I_FEATURE_EXTRACTORS): a remote worker
// compares in its CLIP space.
import { and, asc, eq, gt, isNotNull } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { images, referenceImages, referenceScores, runs, sampleScores, samples } from "../../db/schema";
import type { EvaluatorIdentity } from "../clip/identity";
import { AppError } from "../core/errors";
import { getCachedEmbeddings, putEmbeddings, type NewEmbedding } from "../embeddings/embedding-cache";
import { recordEvaluator } from "../embeddings/record-evaluator";
import { completeJob } from "../jobs/complete-job";
import { fenced, type Lease } from "../jobs/lease";
import { read } from "../storage/content-store";
import { asImageFormat } from "../storage/get-image-or-throw";
import { applicableReferenceSets } from "./applicable-reference-sets";
import type { ReferenceMetrics } from "./reference-metrics";

export type ReferenceSetInput = { id: string; name: string; version: number; promptSetId: string | null };
/** One scored sample of the run: its prompt row id and image embedding (null when the cache lost it). */
export type RunEmbedding = { sampleId: number; promptId: number; vector: Float32Array | null };
export type ReferenceImage = { id: number; sha256: string; format: string; promptId: number | null };
/** A scored sample's image (those with a cosine from the job's CLIP evaluator), for embedding it in another space. */
export type RunImage = { promptId: number; sha256: string; format: string };
/** One result of the job: a reference set's metrics in one feature space (evaluatorId). */
export type ReferenceResult = { evaluatorId: string; metrics: ReferenceMetrics };

/** What a store offers for image feature spaces besides the job's CLIP space (the database store only). */
export interface FeatureSpaceStore {
  /** Records a feature extractor's identity (the evaluators table) before its results are written. */
  recordEvaluator(identity: EvaluatorIdentity): Promise<void>;
  /** The run's scored samples' images (as runEmbeddings, without vectors). */
  runImages(): Promise<RunImage[]>;
  /** The cached image embeddings among `sha256s` in `evaluatorId`'s space. */
  cachedEmbeddings(evaluatorId: string, sha256s: string[]): Promise<Map<string, Float32Array>>;
  /** Caches image embeddings in `evaluatorId`'s space (idempotent). */
  putEmbeddings(evaluatorId: string, rows: NewEmbedding[]): Promise<void>;
}

export interface ReferenceMetricsStore {
  /** Records the evaluator; answers the reference sets that apply to the run. Throws not_found for a missing run. */
  begin(): Promise<{ sets: ReferenceSetInput[] }>;
  /** The run's samples with a cosine from this evaluator, with their image embeddings. */
  runEmbeddings(): Promise<RunEmbedding[]>;
  /** A reference set's images and the cached embeddings (by sha256) of those this evaluator embedded before. */
  referenceImages(setId: string): Promise<{ images: ReferenceImage[]; cached: Map<string, Float32Array> }>;
  /** An image's bytes (a reference image, or a run's for a further feature space). */
  readImage(image: { sha256: string; format: string }): Promise<Buffer>;
  /** Caches freshly computed reference embeddings (idempotent). */
  putEmbeddings(rows: NewEmbedding[]): Promise<void>;
  /**
   * Replaces the run's reference scores in each of `spaces` (evaluator ids; the job's CLIP
   * evaluator first) with `results` and completes the job.
   */
  complete(results: ReferenceResult[], spaces: string[]): Promise<void>;
  /** Further feature spaces; absent where the store cannot serve them (a remote worker's). */
  featureSpaces?: FeatureSpaceStore;
}

/** Rows per page when the store is read in pages (the HTTP routes; the local store reads all pages). */
export const PAGE = 2000;

export function beginReferenceMetrics(runId: string, ev: EvaluatorIdentity, lease?: Lease): ReferenceSetInput[] {
  return fenced(lease, (tx) => {
    const run = tx.select({ id: runs.id, promptSetId: runs.promptSetId }).from(runs).where(eq(runs.id, runId)).get();
    if (!run) throw new AppError("not_found", `run ${runId} does not exist`);
    recordEvaluator(tx, ev);
    return applicableReferenceSets(tx, run.promptSetId).map((s) => ({
      id: s.id,
      name: s.name,
      version: s.version,
      promptSetId: s.promptSetId,
    }));
  });
}

/** Up to `limit` of the run's embedded samples with ids above `after`, in id order. */
export function runEmbeddingsPage(
  db: DbOrTx,
  runId: string,
  evaluatorId: string,
  after: number,
  limit: number,
): RunEmbedding[] {
  const rows = db
    .select({ sampleId: samples.id, promptId: samples.promptId, sha: samples.imageSha256 })
    .from(samples)
    .innerJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, evaluatorId)))
    .where(and(eq(samples.runId, runId), gt(samples.id, after), isNotNull(sampleScores.cosine)))
    .orderBy(asc(samples.id))
    .limit(limit)
    .all();
  const cache = getCachedEmbeddings(
    db,
    "image",
    rows.map((r) => r.sha),
    evaluatorId,
  );
  return rows.map((r) => ({ sampleId: r.sampleId, promptId: r.promptId, vector: cache.get(r.sha)?.vector ?? null }));
}

/** Up to `limit` images of reference set `setId` with row ids above `after`, with the cached embeddings among them. */
export function referenceImagesPage(
  db: DbOrTx,
  setId: string,
  evaluatorId: string,
  after: number,
  limit: number,
): { images: ReferenceImage[]; cached: Map<string, Float32Array> } {
  const rows = db
    .select({
      id: referenceImages.id,
      sha256: referenceImages.imageSha256,
      format: images.format,
      promptId: referenceImages.promptId,
    })
    .from(referenceImages)
    .innerJoin(images, eq(images.sha256, referenceImages.imageSha256))
    .where(and(eq(referenceImages.referenceSetId, setId), gt(referenceImages.id, after)))
    .orderBy(asc(referenceImages.id))
    .limit(limit)
    .all();
  const cached = getCachedEmbeddings(
    db,
    "image",
    rows.map((r) => r.sha256),
    evaluatorId,
  );
  return { images: rows, cached: new Map([...cached].map(([k, c]) => [k, c.vector])) };
}

/** Caches reference embeddings under the lease. Only image embeddings of the job's reference sets' images are accepted. */
export function putReferenceEmbeddings(evaluatorId: string, rows: NewEmbedding[], lease?: Lease): void {
  if (rows.some((r) => r.kind !== "image"))
    throw new AppError("validation_failed", "a reference metrics job caches image embeddings only");
  fenced(lease, (tx) => putEmbeddings(tx, evaluatorId, rows));
}

/** Writes the job's results (replacing the run's earlier ones in each of `spaces`) and completes it, in one transaction under the lease. */
export function completeReferenceMetrics(
  runId: string,
  results: ReferenceResult[],
  spaces: string[],
  lease?: Lease,
): void {
  fenced(lease, (tx) => {
    for (const evaluatorId of spaces)
      tx.delete(referenceScores)
        .where(and(eq(referenceScores.runId, runId), eq(referenceScores.evaluatorId, evaluatorId)))
        .run();
    for (const r of results)
      tx.insert(referenceScores)
        .values({ runId, referenceSetId: r.metrics.referenceSet.id, evaluatorId: r.evaluatorId, metrics: r.metrics })
        .run();
    if (lease) completeJob(lease.jobId, lease.workerId, tx);
  });
}

/** The run's samples with a cosine from `clipEvaluatorId`, with their images (feature spaces embed the same samples). */
export function runImages(db: DbOrTx, runId: string, clipEvaluatorId: string): RunImage[] {
  return db
    .select({ promptId: samples.promptId, sha256: samples.imageSha256, format: images.format })
    .from(samples)
    .innerJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, clipEvaluatorId)))
    .innerJoin(images, eq(images.sha256, samples.imageSha256))
    .where(and(eq(samples.runId, runId), isNotNull(sampleScores.cosine)))
    .all();
}

/** Reads every page of `page(after)` until one comes back short. */
async function allPages<T>(page: (after: number) => T[], idOf: (t: T) => number, limit = PAGE): Promise<T[]> {
  const out: T[] = [];
  let after = 0;
  for (;;) {
    const rows = page(after);
    out.push(...rows);
    if (rows.length < limit) return out;
    after = idOf(rows[rows.length - 1]!);
  }
}

export function localReferenceMetricsStore(runId: string, ev: EvaluatorIdentity, lease?: Lease): ReferenceMetricsStore {
  const db = getDb();
  return {
    begin: async () => ({ sets: beginReferenceMetrics(runId, ev, lease) }),
    runEmbeddings: () =>
      allPages(
        (after) => runEmbeddingsPage(db, runId, ev.id, after, PAGE),
        (r) => r.sampleId,
      ),
    referenceImages: async (setId) => {
      // One query: the in-process store needs no paging, and a page boundary inside the cached
      // rows would only cost lookups.
      return referenceImagesPage(db, setId, ev.id, 0, Number.MAX_SAFE_INTEGER);
    },
    readImage: (image) => read(image.sha256, asImageFormat(image.format)),
    putEmbeddings: async (rows) => putReferenceEmbeddings(ev.id, rows, lease),
    complete: async (results, spaces) => completeReferenceMetrics(runId, results, spaces, lease),
    featureSpaces: {
      recordEvaluator: async (identity) => getDb().transaction((tx) => recordEvaluator(tx, identity)),
      runImages: async () => runImages(db, runId, ev.id),
      cachedEmbeddings: async (evaluatorId, sha256s) =>
        new Map([...getCachedEmbeddings(db, "image", sha256s, evaluatorId)].map(([k, c]) => [k, c.vector])),
      putEmbeddings: async (evaluatorId, rows) => putReferenceEmbeddings(evaluatorId, rows, lease),
    },
  };
}
