// A set of embeddings packed row-major into one Float32Array, validated once. The distribution
// metrics (FD, CMMD, precision/recall, density/coverage) take two such sets; packing them lets
// the dot-product backends (dot-products.ts) work on contiguous blocks.
import { MetricInputError } from "../errors";
import type { Embedding } from "../validate";

export interface EmbeddingMatrix {
  /** n × d, row-major. */
  readonly data: Float32Array;
  readonly n: number;
  readonly d: number;
}

/**
 * Validates and packs `rows` (n ≥ 1 vectors of one dimension d ≥ 1, finite values) into an
 * EmbeddingMatrix. Vectors need not be normalised (FD and k-NN metrics are defined for any
 * features); the service passes L2-normalised CLIP embeddings.
 *
 * Throws MetricInputError: "empty_input" (no rows or a zero-length row), "dimension_mismatch"
 * (rows of different length, or `expectedDim` differs), "non_finite" (NaN or ±Infinity, naming
 * the row and position), "bad_argument" (not an array).
 */
export function toEmbeddingMatrix(
  rows: readonly Embedding[],
  label = "embedding",
  expectedDim?: number,
): EmbeddingMatrix {
  if (!Array.isArray(rows)) throw new MetricInputError("bad_argument", `${label}s must be an array of vectors`);
  if (rows.length === 0) throw new MetricInputError("empty_input", `no ${label}s given: need at least 1`);
  const d = expectedDim ?? rows[0]?.length ?? 0;
  if (!(d >= 1)) throw new MetricInputError("empty_input", `${label} 0 is empty (dimension 0)`);
  const data = new Float32Array(rows.length * d);
  rows.forEach((v, i) => {
    if (v == null || typeof v.length !== "number")
      throw new MetricInputError("bad_argument", `${label} ${i} is not an array of numbers`);
    if (v.length !== d) {
      throw new MetricInputError("dimension_mismatch", `${label} ${i} has dimension ${v.length}, expected ${d}`, {
        index: i,
        dim: v.length,
        expectedDim: d,
      });
    }
    for (let k = 0; k < d; k++) {
      const x = v[k];
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new MetricInputError(
          "non_finite",
          `${label} ${i} has a non-finite value (${String(x)}) at position ${k}`,
          { index: i, position: k },
        );
      }
      data[i * d + k] = x;
    }
  });
  return { data, n: rows.length, d };
}

/** Checks that two sets share a dimension; throws MetricInputError "dimension_mismatch" naming both. */
export function checkSameDim(a: EmbeddingMatrix, b: EmbeddingMatrix, aLabel = "generated", bLabel = "reference"): void {
  if (a.d !== b.d) {
    throw new MetricInputError(
      "dimension_mismatch",
      `${aLabel} embeddings have dimension ${a.d} but ${bLabel} embeddings have ${b.d}; embed both with the same evaluator`,
      {
        [aLabel]: a.d,
        [bLabel]: b.d,
      },
    );
  }
}

/** Squared L2 norm of each row, accumulated in float64. */
export function rowSquaredNorms(m: EmbeddingMatrix): Float64Array {
  const out = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) {
    let s = 0;
    const o = i * m.d;
    for (let k = 0; k < m.d; k++) s += m.data[o + k]! * m.data[o + k]!;
    out[i] = s;
  }
  return out;
}
