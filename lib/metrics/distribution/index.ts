// Distribution metrics: a generated set against a reference set of real images, both embedded by
// one evaluator. One call computes all of them with three passes over squared distances
// (reference × reference, generated × generated, reference × generated) and two covariances.
import { MetricInputError } from "../errors";
import type { Embedding } from "../validate";
import { CMMD_SCALE, CMMD_SIGMA, CMMD_VERSION } from "./cmmd";
import { DENSITY_COVERAGE_K, DENSITY_COVERAGE_VERSION } from "./density-coverage";
import { jsDotProducts, type DotProductBackend } from "./dot-products";
import { checkSameDim, toEmbeddingMatrix, type EmbeddingMatrix } from "./embedding-matrix";
import { FD_VERSION, frechetFromStats, meanCovariance, type FrechetResult } from "./frechet-distance";
import { knnBlock } from "./knn-block";
import { PRECISION_RECALL_K, PRECISION_RECALL_VERSION } from "./precision-recall";

export * from "./cmmd";
export * from "./density-coverage";
export * from "./dot-products";
export * from "./embedding-matrix";
export * from "./frechet-distance";
export * from "./precision-recall";
export { symmetricEigenvalues } from "./symmetric-eigenvalues";

/** What the service shows next to each distribution metric; `label` gets the evaluator's name appended where it says so. */
export interface DistributionMetricInfo {
  readonly name: "fd" | "cmmd" | "precision" | "recall" | "density" | "coverage";
  readonly version: number;
  readonly higherIsBetter: boolean;
  readonly range: readonly [number | null, number | null];
  readonly label: string;
  readonly reference: string;
}

export const DISTRIBUTION_METRICS: readonly DistributionMetricInfo[] = [
  {
    name: "fd",
    version: FD_VERSION,
    higherIsBetter: false,
    range: [0, null],
    label:
      "FD_<feature space>: Fréchet distance of embedding Gaussians (not FID); FD_<evaluator> in a CLIP's normalised embeddings, FD_dinov2-l-14 (dgm-eval) in DINOv2 ViT-L/14 features (FD_DINOv2)",
    reference: "Heusel et al. 2017; Stein et al. 2023 (FD_DINOv2, dgm-eval)",
  },
  {
    name: "cmmd",
    version: CMMD_VERSION,
    higherIsBetter: false,
    range: [0, null],
    label: `CMMD_<feature space>: ${CMMD_SCALE}·MMD² (biased), Gaussian kernel σ=${CMMD_SIGMA}; the paper's numbers need CLIP ViT-L/14@336`,
    reference: "Jayasumana et al. 2024; google-research/cmmd",
  },
  {
    name: "precision",
    version: PRECISION_RECALL_VERSION,
    higherIsBetter: true,
    range: [0, 1],
    label: `improved precision, k=${PRECISION_RECALL_K}`,
    reference: "Kynkäänniemi et al. 2019",
  },
  {
    name: "recall",
    version: PRECISION_RECALL_VERSION,
    higherIsBetter: true,
    range: [0, 1],
    label: `improved recall, k=${PRECISION_RECALL_K}`,
    reference: "Kynkäänniemi et al. 2019",
  },
  {
    name: "density",
    version: DENSITY_COVERAGE_VERSION,
    higherIsBetter: true,
    range: [0, null],
    label: `density, k=${DENSITY_COVERAGE_K}`,
    reference: "Naeem et al. 2020",
  },
  {
    name: "coverage",
    version: DENSITY_COVERAGE_VERSION,
    higherIsBetter: true,
    range: [0, 1],
    label: `coverage, k=${DENSITY_COVERAGE_K}`,
    reference: "Naeem et al. 2020",
  },
];

export interface DistributionOptions {
  /** k for precision/recall (default 3) and density/coverage (default 5). */
  kPrecisionRecall?: number;
  kDensityCoverage?: number;
  /** CMMD kernel bandwidth (default 10). */
  sigma?: number;
  /** Dot-product backend (default: exact float64 TypeScript; onnxDotProducts for large sets). */
  backend?: DotProductBackend;
}

export interface DistributionResult {
  fd: FrechetResult;
  cmmd: number;
  precision: number | null;
  recall: number | null;
  density: number | null;
  coverage: number | null;
  /** Why a k-NN metric is null (a set with k or fewer samples), if one is. */
  knnReason?: string;
  nGenerated: number;
  nReference: number;
  dim: number;
  k: { precisionRecall: number; densityCoverage: number };
}

/**
 * Every distribution metric of `generated` against `reference` (each ≥ 2 embeddings of one
 * dimension; L2-normalised CLIP embeddings in the service). k-NN metrics are null, with
 * `knnReason`, when a set is too small for its k; FD carries its own reliability flag.
 * Throws MetricInputError on empty sets, a single sample, mismatched dimensions, non-finite values
 * or bad options.
 */
export async function distributionMetrics(
  generated: readonly Embedding[] | EmbeddingMatrix,
  reference: readonly Embedding[] | EmbeddingMatrix,
  options: DistributionOptions = {},
): Promise<DistributionResult> {
  const g = Array.isArray(generated)
    ? toEmbeddingMatrix(generated, "generated embedding")
    : (generated as EmbeddingMatrix);
  const r = Array.isArray(reference)
    ? toEmbeddingMatrix(reference, "reference embedding")
    : (reference as EmbeddingMatrix);
  checkSameDim(g, r);
  if (g.n < 2 || r.n < 2)
    throw new MetricInputError(
      "empty_input",
      `distribution metrics need at least 2 samples per set, got generated ${g.n}, reference ${r.n}`,
    );
  const kPR = options.kPrecisionRecall ?? PRECISION_RECALL_K;
  const kDC = options.kDensityCoverage ?? DENSITY_COVERAGE_K;
  const sigma = options.sigma ?? CMMD_SIGMA;
  if (!(Number.isFinite(sigma) && sigma > 0))
    throw new MetricInputError("bad_argument", `sigma must be a finite number > 0, got ${sigma}`);
  const backend = options.backend ?? jsDotProducts;

  const reasons: string[] = [];
  if (Math.max(kPR, kDC) >= r.n)
    reasons.push(
      `the reference set has ${r.n} samples; k = ${Math.max(kPR, kDC)} needs at least ${Math.max(kPR, kDC) + 1}`,
    );
  if (kPR >= g.n) reasons.push(`the generated set has ${g.n} samples; k = ${kPR} needs at least ${kPR + 1}`);

  const knn = await knnBlock(g, r, { precisionRecall: kPR, densityCoverage: kDC }, sigma, backend);
  const fd = frechetFromStats(await meanCovariance(g, backend), await meanCovariance(r, backend), g.d);
  return {
    fd,
    cmmd: knn.cmmd,
    precision: knn.precisionRecall?.precision ?? null,
    recall: knn.precisionRecall?.recall ?? null,
    density: knn.densityCoverage?.density ?? null,
    coverage: knn.densityCoverage?.coverage ?? null,
    ...(reasons.length ? { knnReason: reasons.join("; ") } : {}),
    nGenerated: g.n,
    nReference: r.n,
    dim: g.d,
    k: { precisionRecall: kPR, densityCoverage: kDC },
  };
}
export * from "./per-prompt";
