// Blocked dot products between two embedding sets: the one expensive step of every distribution
// metric (k-NN radii, kernel sums, covariances). A backend computes one block A·Bᵀ; the metrics
// walk the full n × m product block by block so memory stays O(block · m), never O(n · m).
import type { EmbeddingMatrix } from "./embedding-matrix";

/**
 * Computes `out[i·m + j] = Σ_k a[i·d + k] · b[j·d + k]` for the `rows` rows of `a` starting at
 * `rowStart`, against all m rows of `b` (i.e. a block of A·Bᵀ). `out` has rows·m entries.
 */
export type DotProductBackend = (
  a: EmbeddingMatrix,
  rowStart: number,
  rows: number,
  b: EmbeddingMatrix,
) => Promise<Float64Array | Float32Array>;

/**
 * Plain TypeScript backend: float64 accumulation of the float32 inputs, so results are exact to
 * float64 round-off (used for the test vectors). About 0.2–1 GFLOP/s: fine for hundreds of
 * samples; use the ONNX backend (onnx-dot-products.ts) for thousands.
 */
export const jsDotProducts: DotProductBackend = async (a, rowStart, rows, b) => {
  const { d } = a;
  const m = b.n;
  const out = new Float64Array(rows * m);
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < rows; i++) {
    const ao = (rowStart + i) * d;
    for (let j = 0; j < m; j++) {
      const bo = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += ad[ao + k]! * bd[bo + k]!;
      out[i * m + j] = s;
    }
  }
  return out;
};

/** Rows per block: keeps one block of squared distances near 32 MB of float64 whatever m is. */
export function blockRows(m: number): number {
  return Math.max(1, Math.min(4096, Math.floor((4 * 1024 * 1024) / Math.max(1, m))));
}

/**
 * Calls `visit(rowStart, rows, sq)` for consecutive row blocks of `a`, where
 * `sq[i·m + j] = max(0, ‖a_{rowStart+i}‖² + ‖b_j‖² − 2 a·b)` is the squared Euclidean distance
 * (clamped at 0: round-off can make it slightly negative for identical vectors).
 */
export async function forEachSquaredDistanceBlock(
  a: EmbeddingMatrix,
  aNorms: Float64Array,
  b: EmbeddingMatrix,
  bNorms: Float64Array,
  backend: DotProductBackend,
  visit: (rowStart: number, rows: number, sq: Float64Array | Float32Array) => void,
): Promise<void> {
  const m = b.n;
  const step = blockRows(m);
  for (let start = 0; start < a.n; start += step) {
    const rows = Math.min(step, a.n - start);
    const block = await backend(a, start, rows, b);
    for (let i = 0; i < rows; i++) {
      const ni = aNorms[start + i]!;
      const o = i * m;
      for (let j = 0; j < m; j++) {
        const v = ni + bNorms[j]! - 2 * block[o + j]!;
        block[o + j] = v > 0 ? v : 0;
      }
    }
    visit(start, rows, block);
  }
}
