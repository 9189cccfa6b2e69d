// The body of a `score_run` job, whoever holds the data: the run's samples that have no score
// from this evaluator yet are scored a chunk at a time. Image and prompt embeddings come from
// the cache (the store hands the chunk's cached vectors with the chunk) or are computed, then
// the chunk's cosines and fresh embeddings go back to the store in one call, which commits
// them under the job's lease. When no sample is left the store finishes the run (per-prompt and
// run-level metrics from the stored cosines and embeddings, so the result does not depend on
// how the work was split, nor on who did it).
//
// Two stores implement RunScoringStore: the database (lib/runs/score-run.ts, the in-process
// worker and `npm run worker`) and HTTP (lib/workers/remote/, `npm run worker -- --server URL`),
// whose server side calls the database store's steps. One algorithm, so a remote worker's
// numbers are the in-process worker's.
import type { ClipEvaluator, ImageEmbedding } from "../clip/evaluator";
import { textKey } from "../core/prompt-identity";
import type { CachedEmbedding, NewEmbedding } from "../embeddings/embedding-cache";
import { cosine, MetricInputError } from "../metrics";

/** A sample without a score from the worker's evaluator yet. */
export type PendingSample = { sampleId: number; sha256: string; format: string; text: string };

/** Samples after a given id, with the cached embeddings (this evaluator) of their images and prompts. */
export type ScoringChunk = {
  samples: PendingSample[];
  /** By image sha256. */
  images: Map<string, Float32Array>;
  /** By textKey(prompt text). */
  texts: Map<string, CachedEmbedding>;
};

/** One sample's stored result: a cosine, or why there is none. */
export type SampleScore = {
  sampleId: number;
  cosine: number | null;
  errorCode: string | null;
  errorMessage: string | null;
};

export type ChunkResult = {
  scores: SampleScore[];
  /** Embeddings computed for this chunk (the cache keeps only vectors: a failed image is tried again later). */
  embeddings: NewEmbedding[];
  /** Distinct images of the chunk embedded here, and found in the cache. */
  imagesEmbedded: number;
  imageCacheHits: number;
};

export type RunOutcome = { status: "scored"; failed: number } | { status: "failed"; failed: number; reason: string };

/** Where a scoring job's data lives; every write is checked against the job's lease by the store. */
export interface RunScoringStore {
  /** Marks the run scoring by this evaluator; answers its sample count. */
  begin(): Promise<{ total: number }>;
  /** Up to `limit` unscored samples with ids above `after`, in id order. */
  nextChunk(after: number, limit: number): Promise<ScoringChunk>;
  readImage(sample: PendingSample): Promise<Buffer>;
  /** Commits one chunk (idempotent: scores already stored are kept); answers the run's scored count. */
  commitChunk(result: ChunkResult): Promise<{ done: number }>;
  /** Computes and stores the run's metrics and final status, and completes the job. */
  finish(): Promise<RunOutcome>;
}

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

export type ScoreChunksOptions = {
  chunkSize: number;
  /** Checked between chunks: a worker stopping or losing its lease aborts it. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** For log lines. */
  runId: string;
};

export async function scoreRunChunks(
  store: RunScoringStore,
  evaluator: ClipEvaluator,
  opts: ScoreChunksOptions,
): Promise<ScoreRunResult> {
  const log = opts.log ?? (() => {});
  const { total } = await store.begin();
  const stats: ScoreRunResult = {
    status: "scored",
    samples: total,
    failed: 0,
    imagesEmbedded: 0,
    imageCacheHits: 0,
    textsEmbedded: 0,
    textCacheHits: 0,
  };
  // Prompt embeddings for the whole job: a prompt's samples span several chunks.
  const texts = new Map<string, CachedEmbedding>();
  let after = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    const chunk = await store.nextChunk(after, opts.chunkSize);
    if (chunk.samples.length === 0) break;
    after = chunk.samples[chunk.samples.length - 1]!.sampleId;

    const imageRows = await embedChunkImages(store, evaluator, chunk);
    const textRows = await embedChunkTexts(evaluator, chunk, texts);
    stats.imagesEmbedded += imageRows.computed;
    stats.imageCacheHits += imageRows.hits;
    stats.textsEmbedded += textRows.computed;
    stats.textCacheHits += textRows.hits;

    const scores: SampleScore[] = chunk.samples.map((s) => {
      const img = imageRows.bySha.get(s.sha256)!;
      const base = { sampleId: s.sampleId };
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
    // that lost its lease is refused by the store's lease check.
    const { done } = await store.commitChunk({
      scores,
      embeddings: [...imageRows.fresh, ...textRows.fresh],
      imagesEmbedded: imageRows.computed,
      imageCacheHits: imageRows.hits,
    });
    log(
      `run ${opts.runId}: ${done}/${total} samples scored (images: ${imageRows.computed} embedded, ${imageRows.hits} from cache)`,
    );
  }

  opts.signal?.throwIfAborted();
  const outcome = await store.finish();
  stats.status = outcome.status;
  stats.failed = outcome.failed;
  log(`run ${opts.runId}: ${outcome.status}${outcome.status === "failed" ? ` (${outcome.reason})` : ""}`);
  return stats;
}

async function embedChunkImages(store: RunScoringStore, evaluator: ClipEvaluator, chunk: ScoringChunk) {
  const first = new Map<string, PendingSample>();
  for (const s of chunk.samples) if (!first.has(s.sha256)) first.set(s.sha256, s);
  const shas = [...first.keys()];
  const missing = shas.filter((s) => !chunk.images.has(s));
  const computed =
    missing.length > 0 ? await evaluator.embedImages(missing.map((s) => () => store.readImage(first.get(s)!))) : [];
  const bySha = new Map<string, ImageEmbedding>();
  let hits = 0;
  for (const sha of shas) {
    const v = chunk.images.get(sha);
    if (v) {
      bySha.set(sha, { embedding: v });
      hits++;
    }
  }
  const fresh: NewEmbedding[] = [];
  missing.forEach((sha, k) => {
    const r = computed[k]!;
    bySha.set(sha, r);
    // Only vectors are cached: a failed image is tried again by the next run that has it.
    if (r.embedding) fresh.push({ kind: "image", key: sha, vector: r.embedding });
  });
  return { bySha, fresh, computed: missing.length, hits };
}

async function embedChunkTexts(evaluator: ClipEvaluator, chunk: ScoringChunk, memo: Map<string, CachedEmbedding>) {
  const wanted = [...new Set(chunk.samples.map((s) => s.text))].filter((t) => !memo.has(t));
  const missing: string[] = [];
  for (const t of wanted) {
    const c = chunk.texts.get(textKey(t));
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
