// Fréchet distance between generated and reference embeddings, in the evaluator's embedding space.
//
// Formula: FD = ‖μ_g − μ_r‖² + Tr(Σ_g) + Tr(Σ_r) − 2·Tr( (Σ_g Σ_r)^{1/2} )
//          μ = mean embedding, Σ = covariance with the unbiased 1/(n−1) normalisation (numpy's
//          np.cov, as pytorch-fid and clean-fid use).
// Inputs:  generated (n_g × d) and reference (n_r × d) embeddings of one evaluator.
// Output:  FD ≥ 0 in squared embedding units; 0 for identical sets. Lower is better. Labelled
//          `FD_<evaluator>`: it is NOT FID (FID uses Inception-v3 pool features).
// Computation: Tr (Σ_g Σ_r)^{1/2} = Σ_i √λ_i with λ the eigenvalues of Σ_g Σ_r, which are real and
//          ≥ 0, always from a symmetric eigenvalue routine (no complex round-off, unlike
//          scipy.linalg.sqrtm of the non-symmetric product), and never regularised:
//          - when either set has no more samples than dimensions (n ≤ d: a singular covariance),
//            from the centred data: with U = X̃_g/√(n_g−1) and W = X̃_r/√(n_r−1), Σ_g = UᵀU and
//            Σ_r = WᵀW, so the nonzero eigenvalues of Σ_g Σ_r are those of (UWᵀ)(UWᵀ)ᵀ, the
//            symmetric PSD min(n_g, n_r)-square Gram matrix of the cross products; their square
//            roots are the singular values of UWᵀ;
//          - otherwise through the Cholesky factor Σ_r = L Lᵀ: Σ_g Σ_r is similar to the symmetric
//            PSD Lᵀ Σ_g L (if Σ_r is numerically singular after all, the cross-product route).
//          Eigenvalues below λ_max · size · ε (numpy's rank tolerance) are round-off of zeros and
//          count as 0. Checked against pytorch-fid's formula (where its sqrtm is finite) and an
//          independent symmetric-eigendecomposition route (numpy eigh) to 1e-6 relative, sizes
//          n ≤ d included (tests/fixtures/distribution/make_vectors.py).
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

/** 2: the square root's trace without regularisation (the cross-product route for n ≤ d), float64 sums. */
export const FD_VERSION = 2;

export interface FrechetResult {
  value: number;
  /** False when a set has fewer samples than dimensions. */
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
  /** The centred data, n × d row-major in float64: the cross-product route for n ≤ d. */
  centred: Float64Array;
}

/**
 * Mean and unbiased covariance of the rows of `m`. With the default TypeScript backend every sum is
 * float64 over the float32 inputs (exact to round-off); another backend (ONNX, float32) computes
 * the product Xcᵀ·Xc of the centred data, faster and to float32 precision.
 */
export async function meanCovariance(
  m: EmbeddingMatrix,
  backend: DotProductBackend = jsDotProducts,
): Promise<MeanCovariance> {
  const { n, d, data } = m;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k]! += data[i * d + k]!;
  for (let k = 0; k < d; k++) mean[k]! /= n;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) centred[i * d + k] = data[i * d + k]! - mean[k]!;
  const cov = new Float64Array(d * d);
  const denom = n > 1 ? n - 1 : 1;
  if (backend === jsDotProducts) {
    // Σ = X̃ᵀX̃/(n − 1), row by row of X̃ (lower triangle, mirrored).
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let a = 0; a < d; a++) {
        const xa = centred[o + a]!;
        if (xa === 0) continue;
        const ra = a * d;
        for (let b = 0; b <= a; b++) cov[ra + b]! += xa * centred[o + b]!;
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const v = n > 1 ? cov[a * d + b]! / denom : 0;
        cov[a * d + b] = v;
        cov[b * d + a] = v;
      }
    }
    return { mean, cov, n, centred };
  }
  // Transposed, centred, float32 for the backend: row k holds feature k of every sample.
  const t = new Float32Array(d * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) t[k * n + i] = centred[i * d + k]!;
  const tm: EmbeddingMatrix = { data: t, n: d, d: n };
  const prod = await backend(tm, 0, d, tm);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      // Symmetrise: a float32 backend need not return an exactly symmetric product.
      const v = n > 1 ? (prod[a * d + b]! + prod[b * d + a]!) / 2 / denom : 0;
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return { mean, cov, n, centred };
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

/** Σ √λ over the eigenvalues of a symmetric PSD matrix, counting those below λ_max·size·ε as 0. */
function sumSqrtEigenvalues(a: Float64Array, size: number): number {
  const eig = symmetricEigenvalues(a, size);
  let max = 0;
  for (const x of eig) if (x > max) max = x;
  const tol = max * size * Number.EPSILON;
  let value = 0;
  for (const x of eig) if (x > tol) value += Math.sqrt(x);
  return value;
}

/**
 * Tr (A B)^{1/2} for symmetric positive definite `b` and PSD `a` (d×d, row-major), through the
 * Cholesky factor of `b`; null when `b` is not numerically positive definite.
 */
export function traceSqrtProduct(a: Float64Array, b: Float64Array, d: number): number | null {
  const l = cholesky(b, d);
  if (!l) return null;
  // C = Lᵀ A L, symmetric PSD, similar to A B.
  const al = new Float64Array(d * d); // A·L
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k]!;
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
  return sumSqrtEigenvalues(c, d);
}

/**
 * Tr (Σ_g Σ_r)^{1/2} from the centred data (n_g × d and n_r × d): the sum of the singular values
 * of U Wᵀ (U = X̃_g/√(n_g − 1), W = X̃_r/√(n_r − 1)), as the square roots of the eigenvalues of the
 * smaller Gram matrix (U Wᵀ)(U Wᵀ)ᵀ or (U Wᵀ)ᵀ(U Wᵀ). Exact for any sizes, no regularisation.
 */
export function traceSqrtFromData(g: MeanCovariance, r: MeanCovariance, d: number): number {
  const [p, q] = g.n <= r.n ? [g, r] : [r, g];
  const scale = 1 / Math.sqrt(Math.max(1, g.n - 1) * Math.max(1, r.n - 1));
  // C = P̃ Q̃ᵀ · scale  (p.n × q.n)
  const c = new Float64Array(p.n * q.n);
  for (let i = 0; i < p.n; i++) {
    const pi = i * d;
    for (let j = 0; j < q.n; j++) {
      const qj = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += p.centred[pi + k]! * q.centred[qj + k]!;
      c[i * q.n + j] = s * scale;
    }
  }
  // G = C Cᵀ (p.n × p.n), symmetric PSD: its eigenvalues are the squared singular values of C.
  const size = p.n;
  const gram = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const oi = i * q.n;
      const oj = j * q.n;
      for (let k = 0; k < q.n; k++) s += c[oi + k]! * c[oj + k]!;
      gram[i * size + j] = s;
      gram[j * size + i] = s;
    }
  }
  return sumSqrtEigenvalues(gram, size);
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
  const trSqrt =
    Math.min(g.n, r.n) <= d
      ? traceSqrtFromData(g, r, d)
      : (traceSqrtProduct(g.cov, r.cov, d) ?? traceSqrtFromData(g, r, d));
  const fd = Math.max(0, meanTerm + trG + trR - 2 * trSqrt);
  const reasons: string[] = [];
  if (g.n < d || r.n < d)
    reasons.push(
      `fewer samples than embedding dimensions (generated ${g.n}, reference ${r.n}, d = ${d}): the covariance is rank-deficient and FD is biased upwards`,
    );
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
