// CMMD: maximum mean discrepancy between generated and reference embeddings, Gaussian kernel.
//
// Formula: k(x, y) = exp(−‖x − y‖² / (2σ²)),  σ = 10
//          MMD²_b = (1/n²) Σ_{i,i'} k(x_i, x_i') + (1/m²) Σ_{j,j'} k(y_j, y_j') − (2/(nm)) Σ_{i,j} k(x_i, y_j)
//          CMMD = 1000 · MMD²_b
// Estimator: the biased ("minimum-variance", V-statistic) estimate, diagonal terms included, as
//          google-research/cmmd distance.py computes it (Gretton et al. 2012, JMLR 13, Eq. 5; its
//          Lemma 6 shows the unbiased estimate differs by O(1/n)). With σ = 10 and the ×1000 scale
//          of that file; the paper embeds with CLIP ViT-L/14@336, here the evaluator's
//          L2-normalised embeddings, so the label names the evaluator (`CMMD_<evaluator>`).
// Inputs:  generated (n × d) and reference (m × d) embeddings, n, m ≥ 1.
// Output:  ≥ 0 (up to round-off; clamped), 0 for identical sets. Lower is better.
// Reference: Jayasumana et al., "Rethinking FID: Towards a Better Evaluation Metric for Image
//          Generation", CVPR 2024, arXiv 2401.09603.
//
// Example (d = 1, σ = 10): generated {0}, reference {10}.
//   k(0,0) = k(10,10) = 1, k(0,10) = exp(−100/200) = 0.60653
//   MMD² = 1 + 1 − 2·0.60653 = 0.78694  →  CMMD = 786.94
import { MetricInputError } from "../errors";
import { jsDotProducts, type DotProductBackend } from "./dot-products";
import { checkSameDim, toEmbeddingMatrix, type EmbeddingMatrix } from "./embedding-matrix";
import { crossSetPass, intraSetPass } from "./neighbour-passes";
import type { Embedding } from "../validate";

export const CMMD_VERSION = 1;
export const CMMD_SIGMA = 10;
export const CMMD_SCALE = 1000;

/** CMMD from the three kernel sums (ordered pairs, diagonals included); see the file comment. */
export function cmmdFromKernelSums(
  kxx: number,
  n: number,
  kyy: number,
  m: number,
  kxy: number,
  scale = CMMD_SCALE,
): number {
  const mmd = kxx / (n * n) + kyy / (m * m) - (2 * kxy) / (n * m);
  return scale * Math.max(0, mmd);
}

/**
 * CMMD between two embedding sets. Throws MetricInputError on empty sets, mismatched dimensions,
 * non-finite values or σ ≤ 0.
 */
export async function cmmd(
  generated: readonly Embedding[] | EmbeddingMatrix,
  reference: readonly Embedding[] | EmbeddingMatrix,
  options: { sigma?: number; backend?: DotProductBackend } = {},
): Promise<number> {
  const sigma = options.sigma ?? CMMD_SIGMA;
  if (!(Number.isFinite(sigma) && sigma > 0))
    throw new MetricInputError("bad_argument", `sigma must be a finite number > 0, got ${sigma}`);
  const g = Array.isArray(generated)
    ? toEmbeddingMatrix(generated, "generated embedding")
    : (generated as EmbeddingMatrix);
  const r = Array.isArray(reference)
    ? toEmbeddingMatrix(reference, "reference embedding")
    : (reference as EmbeddingMatrix);
  checkSameDim(g, r);
  const backend = options.backend ?? jsDotProducts;
  const gs = await intraSetPass(g, [], sigma, backend, "generated");
  const rs = await intraSetPass(r, [], sigma, backend, "reference");
  const cross = await crossSetPass(r, rs, g, gs, sigma, backend);
  return cmmdFromKernelSums(gs.kernelSum!, g.n, rs.kernelSum!, r.n, cross.kernelSum!);
}
