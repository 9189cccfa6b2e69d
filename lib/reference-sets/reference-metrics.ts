// Distribution metrics of one run against one reference set, as stored in reference_scores and
// shown by the run API and pages. The formulas live in lib/metrics/distribution/ (FD, CMMD,
// precision/recall k = 3, density/coverage k = 5, per-prompt versions); this file decides what is
// computed at which size, flags unreliable numbers and labels each with the evaluator.
//
// Cost per run (3 distance passes over (n + m)² pairs of d-dim embeddings, a d×d eigenproblem):
// above ONNX_BACKEND_ABOVE pairs the ONNX Gemm backend is used (`npm run bench:distribution`,
// d = 512 on the loaded 2-core machine: 1,000 × 1,000 in 3.1 s vs 16 s in TypeScript;
// 10,000 × 10,000 in 41 s). Per-prompt metrics cost microseconds per prompt plus a
// B = 1000 bootstrap over prompts: always computed. Bootstrap CIs of the GLOBAL metrics repeat
// the full computation per resample (FD's d × d eigenproblem dominates: 1.4 s at d = 512 for
// 100 × 100 on the loaded 2-core machine, 0.02 s at d = 64), so they are computed only for FD and
// CMMD of tied sets with n + m ≤ GLOBAL_CI_MAX_SAMPLES and an estimated work
// GLOBAL_CI_B · ((n + m)² · d + d³) ≤ GLOBAL_CI_MAX_WORK: a rule of the data's sizes and the
// settings, so the same data always gets the same answer, whatever the machine's load (in
// practice: computed for small sets in small embedding spaces such as the toy evaluator's,
// skipped for ViT-B/32 at d = 512); otherwise skipped and the record says why.
// Global intervals: FD and CMMD are biased upward under resampling (a resample repeats images,
// which shrinks the covariance's rank and inflates the kernel's self-similarity), so their plain
// percentile interval can lie entirely above the estimate. They get the bias-corrected percentile
// interval: the percentiles of θ* − b with b = mean(θ*) − θ̂ the bootstrap's estimate of that bias
// (Efron & Tibshirani 1993, §10.6), clamped at 0; it contains θ̂ whenever the resamples straddle
// their own mean, and the record states b. The estimate itself is not corrected (θ̂ − b can be
// negative when the true distance is small; the plain estimate is what other tools report).
import { bootstrap, quantileSorted } from "../metrics/bootstrap";
import {
  distributionMetrics,
  jsDotProducts,
  perPromptDistribution,
  type DotProductBackend,
  type PromptSets,
} from "../metrics/distribution";
import { onnxDotProducts } from "../metrics/distribution/onnx-dot-products";
import { distributionLabel } from "../clip/feature-space";
import { AppError } from "../core/errors";

/** Version of this record's method (what is computed, flagged and skipped where). */
export const REFERENCE_METRICS_VERSION = 1;
/** Pair count (n·m) above which the ONNX Gemm backend computes the distances. */
export const ONNX_BACKEND_ABOVE = 40_000;
/** Samples (generated + reference) up to which the global metrics get bootstrap CIs over prompts. */
export const GLOBAL_CI_MAX_SAMPLES = 600;
export const GLOBAL_CI_B = 200;
/**
 * Most work the global bootstrap may cost, in multiply-adds: GLOBAL_CI_B · ((n + m)² · d + d³) for
 * n + m samples in d dimensions (the kernel sums and FD's eigenproblem of each resample). 2e10 is
 * about 40 s on the 2-core reference machine; 600 samples at d = 64 need 4.7e9, at d = 512 3.8e10.
 */
export const GLOBAL_CI_MAX_WORK = 2e10;
/** Below this many samples in either set, every global number is flagged as noisy. */
export const FEW_SAMPLES = 50;

export type { Flagged, ReferenceMetrics } from "../../db/schema/reference-scores";
import type { Flagged, ReferenceMetrics } from "../../db/schema/reference-scores";

export type MetricsInput = {
  referenceSet: ReferenceMetrics["referenceSet"];
  evaluator: ReferenceMetrics["evaluator"];
  /** Per prompt (key = the prompt's row id): the run's generated embeddings and the reference's. Global sets put all reference images under one key with generated = []. */
  groups: PromptSets[];
  threads?: number;
  /** Overrides GLOBAL_CI_MAX_WORK (tests). */
  ciMaxWork?: number;
  /** Which evaluator embedded each side: two different feature spaces are never compared. */
  embeddedBy?: { generated: string; reference: string };
};

/** Refuses to compare embeddings from two feature spaces, naming both identities (422). */
export function assertOneFeatureSpace(generated: string, reference: string): void {
  if (generated === reference) return;
  throw new AppError(
    "validation_failed",
    `cannot compare feature spaces: the run's images were embedded by ${generated} and the reference set's by ${reference}; distribution metrics need one feature space`,
    { generated, reference },
  );
}

/**
 * Computes every distribution metric of the run (all generated embeddings of `groups`) against
 * the reference (all reference embeddings of `groups`), and per prompt where the set is tied to
 * prompts. Throws MetricInputError (from lib/metrics) for fewer than 2 samples on a side or bad vectors.
 */
export async function computeReferenceMetrics(input: MetricsInput): Promise<ReferenceMetrics> {
  if (input.embeddedBy) assertOneFeatureSpace(input.embeddedBy.generated, input.embeddedBy.reference);
  const started = performance.now();
  const generated = input.groups.flatMap((g) => g.generated);
  const reference = input.groups.flatMap((g) => g.reference);
  const useOnnx = generated.length * reference.length > ONNX_BACKEND_ABOVE;
  const backend: DotProductBackend = useOnnx ? onnxDotProducts(input.threads ?? 1) : jsDotProducts;
  const d = await distributionMetrics(generated, reference, { backend });
  const noisy =
    Math.min(d.nGenerated, d.nReference) < FEW_SAMPLES
      ? `fewer than ${FEW_SAMPLES} samples in a set: a noisy estimate`
      : undefined;
  const knn = (v: number | null): Flagged =>
    v === null
      ? { value: null, reliable: false, reason: d.knnReason }
      : { value: v, reliable: !noisy, ...(noisy ? { reason: noisy } : {}) };
  const fdReasons = [d.fd.reason, noisy].filter(Boolean).join("; ");
  const out: ReferenceMetrics = {
    version: REFERENCE_METRICS_VERSION,
    referenceSet: input.referenceSet,
    evaluator: input.evaluator,
    fdLabel: distributionLabel("FD", input.evaluator),
    cmmdLabel: distributionLabel("CMMD", input.evaluator),
    nGenerated: d.nGenerated,
    nReference: d.nReference,
    dim: d.dim,
    k: d.k,
    fd: { value: d.fd.value, reliable: d.fd.reliable && !noisy, ...(fdReasons ? { reason: fdReasons } : {}) },
    cmmd: { value: d.cmmd, reliable: !noisy, ...(noisy ? { reason: noisy } : {}) },
    precision: knn(d.precision),
    recall: knn(d.recall),
    density: knn(d.density),
    coverage: knn(d.coverage),
    perPrompt: null,
    backend: useOnnx ? "onnx" : "typescript",
    seconds: 0,
  };

  const promptGroups = input.groups.filter((g) => g.generated.length > 0);
  if (!input.referenceSet.perPrompt) {
    out.globalCiSkipped = "a global reference set has no per-prompt images to resample with the run's prompts";
  } else if (d.nGenerated + d.nReference > GLOBAL_CI_MAX_SAMPLES) {
    out.globalCiSkipped = `${d.nGenerated + d.nReference} samples > ${GLOBAL_CI_MAX_SAMPLES}: a bootstrap would repeat the full computation ${GLOBAL_CI_B} times`;
  } else if (globalCiWork(d.nGenerated + d.nReference, d.dim) > (input.ciMaxWork ?? GLOBAL_CI_MAX_WORK)) {
    out.globalCiSkipped = `${d.nGenerated + d.nReference} samples in ${d.dim} dimensions: ${GLOBAL_CI_B} resamples would cost about ${globalCiWork(d.nGenerated + d.nReference, d.dim).toExponential(1)} multiply-adds, over the ${(input.ciMaxWork ?? GLOBAL_CI_MAX_WORK).toExponential(1)} limit`;
  } else {
    await addGlobalCis(out, input.groups);
  }
  if (input.referenceSet.perPrompt) {
    const pp = await perPromptDistribution(promptGroups);
    out.perPrompt = {
      prompts: promptGroups.length,
      recall: pp.means.recall,
      coverage: pp.means.coverage,
      precision: pp.means.precision,
      density: pp.means.density,
      rows: pp.prompts.map((q) => ({
        key: q.key,
        n: q.nGenerated,
        recall: q.recall,
        coverage: q.coverage,
        precision: q.precision,
        density: q.density,
      })),
    };
  }
  out.seconds = (performance.now() - started) / 1000;
  return out;
}

/** The global bootstrap's estimated cost in multiply-adds for N samples in d dimensions (GLOBAL_CI_MAX_WORK). */
export const globalCiWork = (N: number, d: number) => GLOBAL_CI_B * (N * N * d + d * d * d);

/**
 * Bias-corrected percentile CIs of FD and CMMD over prompts (file comment): each replicate
 * resamples prompts with replacement and recomputes them on the union of their generated and
 * reference images (B = GLOBAL_CI_B, seed 0).
 */
async function addGlobalCis(out: ReferenceMetrics, groups: PromptSets[]): Promise<void> {
  const usable = groups.filter((g) => g.generated.length > 0 && g.reference.length > 0);
  if (usable.length < 2) {
    out.globalCiSkipped = "fewer than 2 prompts with both generated and reference images";
    return;
  }
  // Only FD and CMMD: a resample repeats prompts, and repeated images collapse the k-NN radii
  // that precision/recall and density/coverage rest on (their CIs come from the per-prompt means).
  const names = ["fd", "cmmd"] as const;
  const replicates: Record<(typeof names)[number], number[]> = { fd: [], cmmd: [] };
  // bootstrap() calls the statistic synchronously; precompute the resampled index sets, then run them.
  const draws: Uint32Array[] = [];
  bootstrap(usable.length, (idx) => (draws.push(Uint32Array.from(idx)), 0), { B: GLOBAL_CI_B, seed: 0 });
  for (const idx of draws.slice(1)) {
    const g = [...idx].flatMap((i) => usable[i]!.generated);
    const r = [...idx].flatMap((i) => usable[i]!.reference);
    const m = await distributionMetrics(g, r, { kPrecisionRecall: 1, kDensityCoverage: 1 });
    replicates.fd.push(m.fd.value);
    replicates.cmmd.push(m.cmmd);
  }
  for (const k of names) {
    const estimate = out[k].value;
    const xs = Float64Array.from(replicates[k]).sort();
    if (xs.length < 10 || estimate === null) continue;
    const bias = xs.reduce((a, x) => a + x, 0) / xs.length - estimate;
    out[k].ci = {
      estimate,
      low: Math.max(0, quantileSorted(xs, 0.025) - bias),
      high: Math.max(0, quantileSorted(xs, 0.975) - bias),
      level: 0.95,
      B: GLOBAL_CI_B,
      seed: 0,
      dropped: GLOBAL_CI_B - xs.length,
      method: "bias-corrected percentile",
      bias,
    };
  }
}
