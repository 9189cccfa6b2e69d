// Eigenvalues (no eigenvectors) of a real symmetric matrix: Householder reduction to tridiagonal
// form, then the implicit QL algorithm with Wilkinson-style shifts. O(4/3·n³) for the reduction
// and O(n²) for QL — several times faster than a full decomposition with eigenvectors, which is
// what the Fréchet distance needs for tr √(Σ_r Σ_g) at d = 512.
// Source: the EISPACK routines tred1/tql1 (Wilkinson & Reinsch, "Handbook for Automatic
// Computation, Vol. II: Linear Algebra", 1971), in the 0-based form of Press et al.,
// "Numerical Recipes", 3rd ed., §11.3–11.4 (tred2 without accumulating transforms, tqli).
import { MetricInputError } from "../errors";

/**
 * Eigenvalues of the symmetric n×n matrix `a` (row-major, only its lower triangle is read),
 * in no particular order. `a` is not modified. Throws MetricInputError "bad_argument" when the
 * size is wrong, and "non_finite" when QL fails to converge (only for NaN/Infinity input).
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n)
    throw new MetricInputError("bad_argument", `matrix has ${a.length} entries, expected ${n}×${n}`);
  // Work on a full symmetric copy (upper mirrored from lower) so that every inner loop reads rows.
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      m[i * n + j] = a[i * n + j]!;
      m[j * n + i] = a[i * n + j]!;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(m, n, d, e);
  tridiagonalEigenvalues(d, e, n);
  return d;
}

/** Householder reduction of the full symmetric `a` (overwritten) to tridiagonal: diagonal in `d`, sub-diagonal in `e[1..n-1]`. */
function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    const ri = i * n;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[ri + k]!);
      if (scale === 0) {
        e[i] = a[ri + l]!;
      } else {
        for (let k = 0; k <= l; k++) {
          a[ri + k]! /= scale;
          h += a[ri + k]! * a[ri + k]!;
        }
        let f = a[ri + l]!;
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[ri + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          const rj = j * n;
          g = 0;
          for (let k = 0; k <= l; k++) g += a[rj + k]! * a[ri + k]!;
          e[j] = g / h;
          f += e[j]! * a[ri + j]!;
        }
        const hh = f / (h + h);
        // q = p − hh·u for the whole block first: the full-row update below reads q_k for k > j.
        for (let j = 0; j <= l; j++) e[j] = e[j]! - hh * a[ri + j]!;
        for (let j = 0; j <= l; j++) {
          f = a[ri + j]!;
          g = e[j]!;
          const rj = j * n;
          // The whole row, not only k ≤ j: the rank-2 update A − (u qᵀ + q uᵀ) is symmetric, so the
          // block stays exactly symmetric and the sum above can read row j instead of column j.
          for (let k = 0; k <= l; k++) a[rj + k]! -= f * e[k]! + g * a[ri + k]!;
        }
      }
    } else {
      e[i] = a[ri + l]!;
    }
    d[i] = h;
  }
  e[0] = 0;
  for (let i = 0; i < n; i++) d[i] = a[i * n + i]!;
}

/** Implicit QL on the tridiagonal (d, e[1..n-1]); eigenvalues are left in `d`. */
function tridiagonalEigenvalues(d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  if (n > 0) e[n - 1] = 0;
  // The matrix's scale: an off-diagonal element below ε² of it is negligible even where the two
  // diagonal neighbours are (numerically) zero, as in a rank-deficient Gram matrix with repeated
  // rows; Numerical Recipes' test `|e| + dd == dd` never holds there and QL would not stop.
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]!) + Math.abs(e[i]!));
  const floor = norm * Number.EPSILON * Number.EPSILON;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= Math.max(Number.EPSILON * dd, floor)) break;
      }
      if (m !== l) {
        if (iter++ === 60)
          throw new MetricInputError("non_finite", "eigenvalue iteration did not converge (is the matrix finite?)");
        let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
        let r = Math.hypot(g, 1);
        g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        for (i = m - 1; i >= l; i--) {
          let f = s * e[i]!;
          const b = c * e[i]!;
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1]! -= p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1]! - p;
          r = (d[i]! - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (r === 0 && i >= l) continue;
        d[l]! -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
}
