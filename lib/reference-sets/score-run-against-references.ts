// The body of a `reference_metrics` job, queued when a run is scored (lib/runs/score-run.ts) and
// for the scored runs a new reference set applies to (create-reference-set.ts). For each
// applicable reference set: the reference images are embedded by the worker's evaluator unless
// the embedding cache has them (so a set is embedded once per evaluator), the run's image
// embeddings come from the cache its scoring filled, and computeReferenceMetrics() results are
// written with the job's completion in one lease-fenced transaction.
import type { ClipEvaluator } from "../clip/evaluator";
import { config } from "../core/config";
import type { NewEmbedding } from "../embeddings/embedding-cache";
import type { Lease } from "../jobs/lease";
import type { PromptSets } from "../metrics/distribution";
import { computeReferenceMetrics, type ReferenceMetrics } from "./reference-metrics";
import {
  localReferenceMetricsStore,
  type ReferenceMetricsStore,
  type ReferenceSetInput,
} from "./reference-metrics-store";

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
  return scoreAgainstReferencesWith(
    localReferenceMetricsStore(opts.runId, opts.evaluator.identity, opts.lease),
    opts.evaluator,
    opts,
  );
}

/** The same over any store: the database (above) or a remote worker's HTTP store (lib/workers/remote/). */
export async function scoreAgainstReferencesWith(
  store: ReferenceMetricsStore,
  evaluator: ClipEvaluator,
  opts: { runId: string; signal?: AbortSignal; log?: (line: string) => void },
): Promise<ScoreAgainstReferencesResult> {
  const started = performance.now();
  const ev = evaluator.identity;
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
  const results: ReferenceMetrics[] = [];
  let embedded = 0;
  for (const set of sets) {
    opts.signal?.throwIfAborted();
    const ref = await referenceEmbeddings(store, set, evaluator);
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
      `run ${opts.runId} vs reference ${set.name} v${set.version}: ${m.nGenerated} × ${m.nReference} in ${m.seconds.toFixed(2)} s (${m.backend})`,
    );
    results.push(m);
  }
  for (const s of skipped) log(`run ${opts.runId}: skipped reference ${s}`);

  opts.signal?.throwIfAborted();
  await store.complete(results);
  return {
    referenceSets: results.length,
    skipped,
    referenceImagesEmbedded: embedded,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The reference set's embeddings (cached, else computed and cached), all and by prompt row id (tied sets: the prompt set the run is on). */
async function referenceEmbeddings(store: ReferenceMetricsStore, set: ReferenceSetInput, evaluator: ClipEvaluator) {
  const { images: rows, cached } = await store.referenceImages(set.id);
  const first = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!first.has(r.sha256)) first.set(r.sha256, r);
  const vectors = new Map<string, Float32Array>(cached);
  const missing = [...first.keys()].filter((s) => !cached.has(s));
  const BATCH = 256;
  let embedded = 0;
  for (let k = 0; k < missing.length; k += BATCH) {
    const part = missing.slice(k, k + BATCH);
    const out = await evaluator.embedImages(part.map((s) => () => store.readImage(first.get(s)!)));
    const fresh: NewEmbedding[] = [];
    part.forEach((sha, j) => {
      const e = out[j]!.embedding;
      if (!e) return;
      vectors.set(sha, e);
      fresh.push({ kind: "image", key: sha, vector: e });
    });
    // Cached a batch at a time, so a worker that stops mid-set leaves its work for the next one.
    if (fresh.length) await store.putEmbeddings(fresh);
    embedded += fresh.length;
  }
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
  return { all, byPrompt, count: all.length, embedded };
}
