// The k-NN and kernel block every distribution comparison shares (run level in index.ts, per prompt
// in per-prompt.ts): three passes over squared distances — reference × reference and generated ×
// generated for each set's k-NN radii and kernel sum, then reference × generated — and what they
// give: improved precision/recall (Kynkäänniemi et al. 2019, k = kPrecisionRecall), density/coverage
// (Naeem et al. 2020, k = kDensityCoverage) and CMMD (Jayasumana et al. 2024, Gaussian kernel σ).
import { cmmdFromKernelSums } from "./cmmd";
import { densityCoverageFromStats } from "./density-coverage";
import type { DotProductBackend } from "./dot-products";
import type { EmbeddingMatrix } from "./embedding-matrix";
import { crossSetPass, intraSetPass } from "./neighbour-passes";
import { precisionRecallFromStats } from "./precision-recall";

export interface KnnBlockResult {
  /** Null when either set has k or fewer samples (k = kPrecisionRecall). */
  precisionRecall: { precision: number; recall: number } | null;
  /** Null when the reference set has k or fewer samples (k = kDensityCoverage). */
  densityCoverage: { density: number; coverage: number } | null;
  /** CMMD of `generated` against `reference` (always defined for two non-empty sets). */
  cmmd: number;
}

/**
 * The k-NN metrics and CMMD of `generated` against `reference` (same dimension, checked by the
 * caller). A k is used only where the set has more than k samples; the result says which metrics
 * that left undefined. Throws MetricInputError from the passes (an empty set).
 */
export async function knnBlock(
  generated: EmbeddingMatrix,
  reference: EmbeddingMatrix,
  k: { precisionRecall: number; densityCoverage: number },
  sigma: number,
  backend: DotProductBackend,
): Promise<KnnBlockResult> {
  const kPR = k.precisionRecall;
  const kDC = k.densityCoverage;
  const refKs = [...new Set([kPR, kDC].filter((x) => x < reference.n))];
  const genKs = kPR < generated.n ? [kPR] : [];
  const rs = await intraSetPass(reference, refKs, sigma, backend, "reference");
  const gs = await intraSetPass(generated, genKs, sigma, backend, "generated");
  const cross = await crossSetPass(reference, rs, generated, gs, sigma, backend);
  return {
    precisionRecall: rs.radiiSq.has(kPR) && gs.radiiSq.has(kPR) ? precisionRecallFromStats(cross, kPR) : null,
    densityCoverage: rs.radiiSq.has(kDC) ? densityCoverageFromStats(cross, rs.radiiSq.get(kDC)!, kDC) : null,
    cmmd: cmmdFromKernelSums(gs.kernelSum!, generated.n, rs.kernelSum!, reference.n, cross.kernelSum!),
  };
}
