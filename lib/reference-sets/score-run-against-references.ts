// The body of a `reference_metrics` job, queued when a run is scored (lib/runs/score-run.ts) and
// for the scored runs a new reference set applies to (create-reference-set.ts). For each
// applicable reference set and each feature space — the worker's CLIP evaluator, then every image
// feature extractor the service is configured with (T2I_FEATURE_EXTRACTORS, e.g. DINOv2 under the
// dgm-eval recipe): the reference images are embedded in that space unless the embedding cache has
// them (so a set is embedded once per space), the run's images likewise (in the CLIP space its
// scoring filled the cache), and computeReferenceMetrics() results, one row per (run, set, space),
// are written with the job's completion in one lease-fenced transaction. The data comes from a
// store (reference-metrics-store.ts): the database, or a server over HTTP for a remote worker
// (which compares in its CLIP space only).
import type { ImageEmbedding, ImageSource } from "../clip/evaluator";
import type { EvaluatorIdentity } from "../clip/identity";
import { config } from "../core/config";
import type { NewEmbedding } from "../embeddings/embedding-cache";
import type { Lease } from "../jobs/lease";
import type { PromptSets } from "../metrics/distribution";
import { computeReferenceMetrics } from "./reference-metrics";
import {
  localReferenceMetricsStore,
  type ReferenceMetricsStore,
  type ReferenceResult,
  type ReferenceSetInput,
} from "./reference-metrics-store";

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

type ScoreOptions = {
  runId: string;
  /** Further feature spaces (image feature extractors), loaded on first need; used where the store serves them. */
  featureSpaces?: () => Promise<ImageEmbedder[]>;
  /** Aborting stops between reference sets and embedding batches (the worker is stopping, lost its lease or makes way). */
  signal?: AbortSignal;
  log?: (line: string) => void;
};

/**
 * Scores run `runId` against every applicable reference set with `evaluator`, on the database. A
 * reference set with fewer than 2 embeddable images, or a run with fewer than 2 embedded samples,
 * is skipped with a reason (returned and logged), never an error. Throws AppError not_found for a
 * missing run.
 */
export async function scoreRunAgainstReferences(
  opts: ScoreOptions & { evaluator: ImageEmbedder; lease?: Lease },
): Promise<ScoreAgainstReferencesResult> {
  return scoreAgainstReferencesWith(
    localReferenceMetricsStore(opts.runId, opts.evaluator.identity, opts.lease),
    opts.evaluator,
    opts,
  );
}

/** The same over any store: the database (above) or a remote worker's HTTP store (lib/workers/remote/). */
export async function scoreAgainstReferencesWith(
  store: ReferenceMetricsStore,
  evaluator: ImageEmbedder,
  opts: ScoreOptions,
): Promise<ScoreAgainstReferencesResult> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const { sets } = await store.begin();
  const generated = new Map<string, Float32Array[]>();
  for (const r of await store.runEmbeddings()) {
    if (!r.vector) continue;
    const key = String(r.promptId);
    if (!generated.has(key)) generated.set(key, []);
    generated.get(key)!.push(r.vector);
  }
  const skipped: string[] = [];
  const results: ReferenceResult[] = [];
  let embedded = 0;
  const spaces: { embedder: ImageEmbedder; generated: Map<string, Float32Array[]> }[] = [
    { embedder: evaluator, generated },
  ];
  const extra = store.featureSpaces;
  if (sets.length > 0 && opts.featureSpaces && extra) {
    for (const extractor of await opts.featureSpaces()) {
      opts.signal?.throwIfAborted();
      await extra.recordEvaluator(extractor.identity);
      const rows = await extra.runImages();
      const vectors = await embedCached(store, rows, extractor, opts.signal);
      embedded += vectors.embedded;
      const byPrompt = new Map<string, Float32Array[]>();
      for (const r of rows) {
        const v = vectors.map.get(r.sha256);
        if (!v) continue;
        const key = String(r.promptId);
        if (!byPrompt.has(key)) byPrompt.set(key, []);
        byPrompt.get(key)!.push(v);
      }
      spaces.push({ embedder: extractor, generated: byPrompt });
    }
  }
  for (const space of spaces) {
    const id = space.embedder.identity;
    for (const set of sets) {
      opts.signal?.throwIfAborted();
      const ref = await referenceEmbeddings(store, set, space.embedder, id.id === evaluator.identity.id, opts.signal);
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
        `run ${opts.runId} vs reference ${set.name} v${set.version} in ${m.fdLabel.slice(3)}: ${m.nGenerated} × ${m.nReference} in ${m.seconds.toFixed(2)} s (${m.backend})`,
      );
      results.push({ evaluatorId: id.id, metrics: m });
    }
  }
  for (const s of skipped) log(`run ${opts.runId}: skipped reference ${s}`);

  opts.signal?.throwIfAborted();
  await store.complete(
    results,
    spaces.map((s) => s.embedder.identity.id),
  );
  return {
    referenceSets: results.length,
    skipped,
    referenceImagesEmbedded: embedded,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Vectors of `images` in `embedder`'s space: `known` (or, in a further feature space, the
 * store's cache), else embedded and cached a batch at a time. `signal` is checked between
 * batches, so a job that makes way for a higher lane (or stops) keeps what it embedded.
 */
async function embedCached(
  store: ReferenceMetricsStore,
  images: readonly { sha256: string; format: string }[],
  embedder: ImageEmbedder,
  signal?: AbortSignal,
  known?: Map<string, Float32Array>,
): Promise<{ map: Map<string, Float32Array>; embedded: number }> {
  const evId = embedder.identity.id;
  const first = new Map<string, { sha256: string; format: string }>();
  for (const i of images) if (!first.has(i.sha256)) first.set(i.sha256, i);
  const cached = known ?? (await store.featureSpaces!.cachedEmbeddings(evId, [...first.keys()]));
  const put = known
    ? (rows: NewEmbedding[]) => store.putEmbeddings(rows)
    : (rows: NewEmbedding[]) => store.featureSpaces!.putEmbeddings(evId, rows);
  const vectors = new Map<string, Float32Array>(cached);
  const missing = [...first.keys()].filter((s) => !cached.has(s));
  let embedded = 0;
  // Small batches: a job that makes way for an upload's scoring waits for at most one batch
  // (8 ViT-B/32 images take a few seconds on a loaded 2-core machine).
  const BATCH = 8;
  for (let k = 0; k < missing.length; k += BATCH) {
    signal?.throwIfAborted();
    const part = missing.slice(k, k + BATCH);
    const out = await embedder.embedImages(part.map((s) => () => store.readImage(first.get(s)!)));
    const fresh: NewEmbedding[] = [];
    part.forEach((sha, j) => {
      const e = out[j]!.embedding;
      if (!e) return;
      vectors.set(sha, e);
      fresh.push({ kind: "image", key: sha, vector: e });
    });
    // Cached a batch at a time, so a worker that stops mid-set leaves its work for the next one.
    if (fresh.length) await put(fresh);
    embedded += fresh.length;
  }
  return { map: vectors, embedded };
}

/**
 * The reference set's embeddings in `embedder`'s space (cached, else computed and cached), all and
 * by prompt row id (tied sets: the prompt set the run is on). `isJobSpace`: the job's CLIP space,
 * whose cached vectors come with the store's image listing.
 */
async function referenceEmbeddings(
  store: ReferenceMetricsStore,
  set: ReferenceSetInput,
  embedder: ImageEmbedder,
  isJobSpace: boolean,
  signal?: AbortSignal,
) {
  const { images: rows, cached } = await store.referenceImages(set.id);
  const { map: vectors, embedded } = await embedCached(store, rows, embedder, signal, isJobSpace ? cached : undefined);
  const all: Float32Array[] = [];
  const byPrompt = new Map<string, Float32Array[]>();
  for (const r of rows) {
    const v = vectors.get(r.sha256);
    if (!v) continue;
    all.push(v);
    if (r.promptId !== null) {
      const key = String(r.promptId);
      if (!byPrompt.has(key)) byPrompt.set(key, []);
      byPrompt.get(key)!.push(v);
    }
  }
  return { all, byPrompt, count: all.length, embedded, embeddedBy: embedder.identity.id };
}
