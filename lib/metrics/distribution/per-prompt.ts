// Per-prompt distribution metrics, for reference sets that hold several real images per prompt,
// and their run-level means with percentile-bootstrap CIs over prompts.
//
// Per prompt p with generated G_p and reference R_p: precision/recall (k = 3) and density/coverage
// (k = 5) of G_p against R_p, and CMMD. Recall and coverage per prompt then say which fraction of
// the variety the prompt allows (the reference images of that prompt) a variant reaches.
// Run level: the mean over prompts where the metric is defined (a prompt with k or fewer images on
// either side has no k-NN metric and is counted in `skipped`), with a 95% percentile bootstrap
// over those prompts (lib/metrics/bootstrap.ts: B = 1000, seed 0). Per-prompt FD is not computed:
// a prompt's handful of samples is far below the embedding dimension.
// Cost: one small distance computation per prompt (8 × 16 samples: microseconds) plus B resamples
// of a mean over prompts (milliseconds): affordable for every run.
import { bootstrap, type BootstrapOptions, type BootstrapResult } from "../bootstrap";
import type { Embedding } from "../validate";
import { CMMD_SIGMA } from "./cmmd";
import { DENSITY_COVERAGE_K } from "./density-coverage";
import { jsDotProducts, type DotProductBackend } from "./dot-products";
import { checkSameDim, toEmbeddingMatrix } from "./embedding-matrix";
import { knnBlock } from "./knn-block";
import { PRECISION_RECALL_K } from "./precision-recall";

export interface PromptSets {
  /** The prompt's identity (as lib/prompt-sets defines it). */
  key: string;
  generated: readonly Embedding[];
  reference: readonly Embedding[];
}

export interface PromptDistribution {
  key: string;
  nGenerated: number;
  nReference: number;
  precision: number | null;
  recall: number | null;
  density: number | null;
  coverage: number | null;
  cmmd: number | null;
  /** Why some metric is null for this prompt. */
  reason?: string;
}

export type PerPromptMetric = "precision" | "recall" | "density" | "coverage" | "cmmd";

export interface PerPromptMean {
  /** Mean over prompts with a defined value, with its bootstrap CI; null when no prompt has one. */
  mean: BootstrapResult | null;
  /** Prompts whose value is defined / undefined. */
  prompts: number;
  skipped: number;
}

export interface PerPromptResult {
  prompts: PromptDistribution[];
  means: Record<PerPromptMetric, PerPromptMean>;
}

/**
 * Distribution metrics of each prompt's generated images against that prompt's reference images,
 * and their means over prompts with bootstrap CIs. Throws MetricInputError for non-finite values
 * or mismatched dimensions (within or across prompts).
 */
export async function perPromptDistribution(
  groups: readonly PromptSets[],
  options: {
    kPrecisionRecall?: number;
    kDensityCoverage?: number;
    sigma?: number;
    backend?: DotProductBackend;
    bootstrap?: BootstrapOptions;
  } = {},
): Promise<PerPromptResult> {
  const kPR = options.kPrecisionRecall ?? PRECISION_RECALL_K;
  const kDC = options.kDensityCoverage ?? DENSITY_COVERAGE_K;
  const sigma = options.sigma ?? CMMD_SIGMA;
  const backend = options.backend ?? jsDotProducts;
  let dim: number | undefined;
  const prompts: PromptDistribution[] = [];
  for (const grp of groups) {
    const base: PromptDistribution = {
      key: grp.key,
      nGenerated: grp.generated.length,
      nReference: grp.reference.length,
      precision: null,
      recall: null,
      density: null,
      coverage: null,
      cmmd: null,
    };
    if (grp.generated.length === 0 || grp.reference.length === 0) {
      prompts.push({ ...base, reason: grp.generated.length === 0 ? "no generated images" : "no reference images" });
      continue;
    }
    const g = toEmbeddingMatrix(grp.generated, `generated embedding of prompt "${grp.key}"`, dim);
    dim ??= g.d;
    const r = toEmbeddingMatrix(grp.reference, `reference embedding of prompt "${grp.key}"`, dim);
    checkSameDim(g, r);
    const knn = await knnBlock(g, r, { precisionRecall: kPR, densityCoverage: kDC }, sigma, backend);
    const pr = knn.precisionRecall;
    const dc = knn.densityCoverage;
    const reasons: string[] = [];
    if (!pr) reasons.push(`precision/recall need more than ${kPR} images on each side`);
    if (!dc) reasons.push(`density/coverage need more than ${kDC} reference images`);
    prompts.push({
      ...base,
      precision: pr?.precision ?? null,
      recall: pr?.recall ?? null,
      density: dc?.density ?? null,
      coverage: dc?.coverage ?? null,
      cmmd: knn.cmmd,
      ...(reasons.length ? { reason: reasons.join("; ") } : {}),
    });
  }
  const metrics: PerPromptMetric[] = ["precision", "recall", "density", "coverage", "cmmd"];
  const means = Object.fromEntries(
    metrics.map((m) => [
      m,
      meanOverPrompts(
        prompts.map((p) => p[m]),
        options.bootstrap,
      ),
    ]),
  ) as Record<PerPromptMetric, PerPromptMean>;
  return { prompts, means };
}

/** Mean of the defined values with a percentile-bootstrap CI over them (resampling prompts). */
export function meanOverPrompts(values: readonly (number | null)[], options: BootstrapOptions = {}): PerPromptMean {
  const defined = Float64Array.from(values.filter((v): v is number => v !== null));
  const skipped = values.length - defined.length;
  if (defined.length === 0) return { mean: null, prompts: 0, skipped };
  const mean = bootstrap(
    defined.length,
    (idx) => {
      let s = 0;
      for (let i = 0; i < idx.length; i++) s += defined[idx[i]!]!;
      return s / idx.length;
    },
    options,
  );
  return { mean, prompts: defined.length, skipped };
}
