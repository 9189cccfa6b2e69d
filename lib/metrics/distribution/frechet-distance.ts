// Fréchet distance between generated and reference embeddings, in the evaluator's embedding space.
//
// Formula: FD = ‖μ_g − μ_r‖² + Tr(Σ_g) + Tr(Σ_r) − 2·Tr( (Σ_g Σ_r)^{1/2} )
//          μ = mean embedding, Σ = covariance with the unbiased 1/(n−1) normalisation (numpy's
//          np.cov, as pytorch-fid and clean-fid use).
// Inputs:  generated (n_g × d) and reference (n_r × d) embeddings of one evaluator.
// Output:  FD ≥ 0 in squared embedding units; 0 for identical sets. Lower is better. Labelled
//          `FD_<evaluator>`: it is NOT FID (FID uses Inception-v3 pool features).
// Computation: Tr (Σ_g Σ_r)^{1/2} = Σ_i √λ_i with λ the eigenvalues of Σ_g Σ_r. With the Cholesky
//          factor Σ_r = L Lᵀ, Σ_g Σ_r is similar to the symmetric positive semi-definite Lᵀ Σ_g L,
//          so its eigenvalues are real and ≥ 0 and come from a symmetric eigenvalue routine (no
//          complex round-off, unlike scipy.linalg.sqrtm of the non-symmetric product). When Σ_r is
//          singular (n_r ≤ d, or degenerate data) ε·I is added to both covariances (ε = 1e-6 ·
//          mean diagonal, as pytorch-fid's offset), and the result is flagged.
// Reliability: with n < d samples the covariance is rank-deficient and FD is strongly biased
//          (Chong & Forsyth 2020, "Effectively Unbiased FID and Inception Score"); such results
//          carry `reliable: false` and a reason instead of being hidden.
// Reference: Heusel et al. 2017 (FID, arXiv 1706.08500); Stein et al. 2023 (FD in other feature
//          spaces, arXiv 2306.04675); mseitzer/pytorch-fid `calculate_frechet_distance`.
//
// Example (d = 1): generated {0, 2} → μ_g = 1, Σ_g = 2; reference {1, 3, 5} → μ_r = 3, Σ_r = 4.
//   FD = (1 − 3)² + 2 + 4 − 2·√(2·4) = 4 + 6 − 5.6569 = 4.3431
import { MetricInputError } from "../errors";
import { jsDotProducts, type DotProductBackend } from "./dot-products";
import { checkSameDim, toEmbeddingMatrix, type EmbeddingMatrix } from "./embedding-matrix";
import { symmetricEigenvalues } from "./symmetric-eigenvalues";
import type { Embedding } from "../validate";

export const FD_VERSION = 1;

export interface FrechetResult {
  value: number;
  /** False when a set has fewer samples than dimensions (or a singular covariance needed ε·I). */
  reliable: boolean;
  reason?: string;
  nGenerated: number;
  nReference: number;
  dim: number;
}

export interface MeanCovariance {
  mean: Float64Array;
  /** d × d row-major, 1/(n−1) normalisation (0 when n = 1). */
  cov: Float64Array;
  n: number;
}

/**
 * Mean and unbiased covariance of the rows of `m`. The centred data goes through `backend` as
 * the product Xcᵀ·Xc (d rows of n values), so the ONNX backend also speeds this up.
 */
export async function meanCovariance(
  m: EmbeddingMatrix,
  backend: DotProductBackend = jsDotProducts,
): Promise<MeanCovariance> {
  const { n, d, data } = m;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k]! += data[i * d + k]!;
  for (let k = 0; k < d; k++) mean[k]! /= n;
  // Transposed, centred: row k holds feature k of every sample.
  const t = new Float32Array(d * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) t[k * n + i] = data[i * d + k]! - mean[k]!;
  const tm: EmbeddingMatrix = { data: t, n: d, d: n };
  const prod = await backend(tm, 0, d, tm);
  const cov = new Float64Array(d * d);
  const denom = n > 1 ? n - 1 : 1;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      // Symmetrise: a float32 backend need not return an exactly symmetric product.
      const v = n > 1 ? (prod[a * d + b]! + prod[b * d + a]!) / 2 / denom : 0;
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return { mean, cov, n };
}

/** Lower Cholesky factor of the symmetric d×d `a`, or null when `a` is not positive definite. */
export function cholesky(a: Float64Array, d: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j]!;
      }
    }
  }
  return l;
}

/**
 * Tr (A B)^{1/2} for symmetric positive semi-definite d×d `a`, `b` (row-major). Returns the value
 * and the ε added to both diagonals when `b` was not positive definite (0 otherwise).
 */
export function traceSqrtProduct(a: Float64Array, b: Float64Array, d: number): { value: number; epsilon: number } {
  let epsilon = 0;
  let l = cholesky(b, d);
  let aa = a;
  if (!l) {
    let tr = 0;
    for (let k = 0; k < d; k++) tr += (a[k * d + k]! + b[k * d + k]!) / 2;
    epsilon = Math.max(1e-6 * (tr / d), 1e-12);
    const bb = Float64Array.from(b);
    aa = Float64Array.from(a);
    for (let k = 0; k < d; k++) {
      bb[k * d + k]! += epsilon;
      aa[k * d + k]! += epsilon;
    }
    l = cholesky(bb, d);
    if (!l)
      throw new MetricInputError(
        "non_finite",
        "covariance is not positive semi-definite even after regularisation (non-finite input?)",
      );
  }
  // C = Lᵀ A L, symmetric PSD, similar to A B.
  const al = new Float64Array(d * d); // A·L
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = aa[i * d + k]!;
      if (aik === 0) continue;
      const lk = k * d;
      const oi = i * d;
      for (let j = 0; j <= k; j++) al[oi + j]! += aik * l[lk + j]!;
    }
  }
  const c = new Float64Array(d * d); // Lᵀ·(A·L), lower triangle
  for (let k = 0; k < d; k++) {
    const lk = k * d;
    const ak = k * d;
    for (let i = 0; i <= k; i++) {
      const lki = l[lk + i]!;
      if (lki === 0) continue;
      const oi = i * d;
      for (let j = 0; j <= i; j++) c[oi + j]! += lki * al[ak + j]!;
    }
  }
  const eig = symmetricEigenvalues(c, d);
  let value = 0;
  for (const x of eig) if (x > 0) value += Math.sqrt(x);
  return { value, epsilon };
}

/** FD from precomputed statistics; see the file comment. */
export function frechetFromStats(g: MeanCovariance, r: MeanCovariance, d: number): FrechetResult {
  let meanTerm = 0;
  for (let k = 0; k < d; k++) meanTerm += (g.mean[k]! - r.mean[k]!) ** 2;
  let trG = 0;
  let trR = 0;
  for (let k = 0; k < d; k++) {
    trG += g.cov[k * d + k]!;
    trR += r.cov[k * d + k]!;
  }
  const { value: trSqrt, epsilon } = traceSqrtProduct(g.cov, r.cov, d);
  // ε·I shifts Tr Σ_g + Tr Σ_r by 2dε and the cross term by ≈ 2dε: keep the traces consistent.
  const fd = Math.max(0, meanTerm + trG + trR + 2 * d * epsilon - 2 * trSqrt);
  const reasons: string[] = [];
  if (g.n < d || r.n < d)
    reasons.push(
      `fewer samples than embedding dimensions (generated ${g.n}, reference ${r.n}, d = ${d}): the covariance is rank-deficient and FD is biased upwards`,
    );
  if (epsilon > 0) reasons.push(`a singular covariance needed ε = ${epsilon.toExponential(2)} added to its diagonal`);
  return {
    value: fd,
    reliable: reasons.length === 0,
    ...(reasons.length ? { reason: reasons.join("; ") } : {}),
    nGenerated: g.n,
    nReference: r.n,
    dim: d,
  };
}

/**
 * FD between `generated` and `reference` embeddings (each ≥ 2 vectors of one dimension).
 * Throws MetricInputError on empty sets, a single sample, mismatched dimensions or non-finite
 * values. `backend` computes the covariance products (default: exact float64 TypeScript).
 */
export async function frechetDistance(
  generated: readonly Embedding[] | EmbeddingMatrix,
  reference: readonly Embedding[] | EmbeddingMatrix,
  options: { backend?: DotProductBackend } = {},
): Promise<FrechetResult> {
  const g = Array.isArray(generated)
    ? toEmbeddingMatrix(generated, "generated embedding")
    : (generated as EmbeddingMatrix);
  const r = Array.isArray(reference)
    ? toEmbeddingMatrix(reference, "reference embedding")
    : (reference as EmbeddingMatrix);
  checkSameDim(g, r);
  if (g.n < 2 || r.n < 2) {
    throw new MetricInputError(
      "empty_input",
      `FD needs at least 2 samples per set for a covariance, got generated ${g.n}, reference ${r.n}`,
    );
  }
  const backend = options.backend ?? jsDotProducts;
  return frechetFromStats(await meanCovariance(g, backend), await meanCovariance(r, backend), g.d);
}
