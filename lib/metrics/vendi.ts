// Vendi score (order q = 1) of the images generated for one prompt.
//
// Formula: K_ij = e_i · e_j (linear kernel on L2-normalised embeddings, K_ii = 1),
//          λ_1..λ_n = eigenvalues of K/n (non-negative, Σ λ = 1),
//          VS = exp( −Σ_i λ_i log λ_i ), with 0 · log 0 = 0.
// Inputs:  n >= 1 image embeddings of one prompt (L2-normalised, equal dimension d).
// Output:  a number in [1, min(n, d)]: the "effective number of distinct samples".
//          1 when all samples are identical (and for n = 1), n when they are
//          mutually orthogonal. Higher means more diverse.
// Details: when n > d the d×d matrix XᵀX/n is decomposed instead of XXᵀ/n; both
//          have the same nonzero eigenvalues and the smaller one is cheaper.
//          Eigenvalues come from ml-matrix's symmetric EigenvalueDecomposition;
//          tiny negative ones (round-off of a positive semi-definite matrix) are
//          set to 0, and the result is clamped to [1, n] for the same reason.
// Reference: Friedman & Dieng, "The Vendi Score: A Diversity Evaluation Metric for
//          Machine Learning", TMLR 2023, arXiv 2210.02410; vertaix/Vendi-Score
//          (`score_K`, `score_X`).
//
// Example: e1 = (1, 0), e2 = (0, 1), e3 = (1, 0)  (e3 duplicates e1), n = 3
//   K = [[1,0,1],[0,1,0],[1,0,1]] has eigenvalues 2, 1, 0, so λ = 2/3, 1/3, 0
//   H = −(2/3·ln(2/3) + 1/3·ln(1/3)) ≈ 0.2703 + 0.3662 = 0.6365
//   VS = exp(0.6365) ≈ 1.8899  (between 1 distinct and 2 distinct samples)
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { unitRows, type EmbeddingCheckOptions, type Embedding } from "./validate";
import type { EmbeddingMetric } from "./registry";

export const VENDI_LABEL = "Vendi score (Friedman & Dieng 2022, q=1, linear kernel on CLIP image embeddings, 1–n)";

export interface VendiOptions extends EmbeddingCheckOptions {
  /**
   * Which Gram matrix to decompose. "auto" (default) picks the smaller of the
   * n×n sample matrix and the d×d feature matrix; the others exist for cross-checks.
   */
  method?: "auto" | "samples" | "features";
}

export function vendiScore(embeddings: readonly Embedding[], options: VendiOptions = {}): number {
  const { rows, dim } = unitRows(embeddings, options);
  const n = rows.length;
  if (n === 1) return 1;
  const method = options.method ?? "auto";
  const useFeatures = method === "features" || (method === "auto" && n > dim);
  const m = useFeatures ? dim : n;
  const k = new Matrix(m, m);
  if (useFeatures) {
    // (XᵀX)_ab = Σ_i x_ia x_ib
    for (let a = 0; a < dim; a++) {
      for (let b = a; b < dim; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += rows[i]![a]! * rows[i]![b]!;
        k.set(a, b, s / n);
        k.set(b, a, s / n);
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let s = 0;
        const ri = rows[i]!;
        const rj = rows[j]!;
        for (let c = 0; c < dim; c++) s += ri[c]! * rj[c]!;
        k.set(i, j, s / n);
        k.set(j, i, s / n);
      }
    }
  }
  const { realEigenvalues } = new EigenvalueDecomposition(k, { assumeSymmetric: true });
  return vendiFromEigenvalues(realEigenvalues, n);
}

/**
 * exp of the Shannon entropy of the eigenvalues of K/n. Negative round-off is
 * treated as 0 and the result is clamped to [1, n].
 */
export function vendiFromEigenvalues(eigenvalues: ArrayLike<number>, n: number): number {
  let h = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    const l = eigenvalues[i]!;
    if (l > 0) h -= l * Math.log(l);
  }
  return Math.min(Math.max(Math.exp(h), 1), n);
}

export const vendiMetric: EmbeddingMetric = {
  name: "vendi",
  version: 1,
  higherIsBetter: true,
  range: [1, null],
  label: VENDI_LABEL,
  description:
    "Per prompt, the exponential of the entropy of the eigenvalues of the normalised cosine-similarity matrix of its images (effective number of distinct images, at most n); run level is the mean over prompts with at least 2 images.",
  reference: "Friedman & Dieng 2022, arXiv 2210.02410; vertaix/Vendi-Score",
  input: "embeddings",
  compute: (group) => (group.length === 0 ? null : vendiScore(group)),
};
