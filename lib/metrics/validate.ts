// Input checks shared by every metric. They exist so that a pipeline bug (raw,
// unnormalised CLIP features, a model with another width, a NaN from a failed
// image) fails loudly with a message naming the offending vector instead of
// producing a plausible-looking score.
import { MetricInputError } from "./errors";

/** An L2-normalised embedding; Float32Array in practice. */
export type Embedding = ArrayLike<number>;

/** Allowed |‖v‖ − 1|. Float32 round-off is ~1e-7; 1e-3 only catches real mistakes. */
export const DEFAULT_NORM_TOLERANCE = 1e-3;

export interface EmbeddingCheckOptions {
  /** Allowed |‖v‖ − 1| (default 1e-3). */
  tolerance?: number;
  /** Noun used in messages, e.g. "image embedding" or 'group "cat" embedding'. */
  label?: string;
  /** Dimension every vector must have; defaults to the first vector's. */
  expectedDim?: number;
}

export interface UnitRows {
  rows: Float64Array[];
  dim: number;
}

export function checkTolerance(tolerance: number): number {
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new MetricInputError("bad_argument", `tolerance must be a finite number >= 0, got ${tolerance}`);
  }
  return tolerance;
}

/**
 * Validates one embedding and returns a float64 copy divided by its norm.
 * The division only removes float32 round-off (the norm is already within
 * `tolerance` of 1), so dot products of the copies are exact cosines.
 */
export function unitVector(v: Embedding, index: number, options: EmbeddingCheckOptions = {}): Float64Array {
  const label = options.label ?? "embedding";
  const tolerance = checkTolerance(options.tolerance ?? DEFAULT_NORM_TOLERANCE);
  if (v == null || typeof v.length !== "number") {
    throw new MetricInputError("bad_argument", `${label} ${index} is not an array of numbers`);
  }
  const dim = v.length;
  if (dim === 0) {
    throw new MetricInputError("empty_input", `${label} ${index} is empty (dimension 0)`, { index });
  }
  if (options.expectedDim !== undefined && dim !== options.expectedDim) {
    throw new MetricInputError(
      "dimension_mismatch",
      `${label} ${index} has dimension ${dim}, expected ${options.expectedDim}`,
      { index, dim, expectedDim: options.expectedDim },
    );
  }
  const out = new Float64Array(dim);
  let sq = 0;
  for (let k = 0; k < dim; k++) {
    const x = v[k];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new MetricInputError(
        "non_finite",
        `${label} ${index} has a non-finite value (${String(x)}) at position ${k}`,
        { index, position: k },
      );
    }
    out[k] = x;
    sq += x * x;
  }
  const norm = Math.sqrt(sq);
  if (Math.abs(norm - 1) > tolerance) {
    throw new MetricInputError(
      "not_normalised",
      `${label} ${index} has L2 norm ${norm.toPrecision(6)}, expected 1 ± ${tolerance}; ` +
        "L2-normalise embeddings (v / ‖v‖) before computing metrics",
      { index, norm, tolerance },
    );
  }
  for (let k = 0; k < dim; k++) out[k] /= norm;
  return out;
}

/** Validates a non-empty list of equal-dimension unit vectors; see `unitVector`. */
export function unitRows(embeddings: readonly Embedding[], options: EmbeddingCheckOptions = {}): UnitRows {
  const label = options.label ?? "embedding";
  if (!Array.isArray(embeddings) || embeddings.length === 0) {
    throw new MetricInputError("empty_input", `no ${label}s given: need at least 1`);
  }
  const expectedDim = options.expectedDim ?? embeddings[0]?.length;
  const rows = embeddings.map((v, i) => unitVector(v, i, { ...options, expectedDim }));
  return { rows, dim: rows[0]!.length };
}

/** Dot product of two equal-length float64 vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

/**
 * Validates raw cosines. The range check catches the most common mix-up, a
 * score on another scale (CLIPScore 0–100, CLIP-S 0–2.5) passed as a cosine.
 */
export function checkCosines(cosines: ArrayLike<number>, tolerance = DEFAULT_NORM_TOLERANCE): void {
  if (cosines == null || typeof cosines.length !== "number" || cosines.length === 0) {
    throw new MetricInputError("empty_input", "no cosines given: need at least 1");
  }
  for (let i = 0; i < cosines.length; i++) checkCosine(cosines[i]!, `cosine ${i}`, tolerance);
}

/** Cosines accepted within the tolerance may exceed [-1, 1] by round-off; scores use the clamped value. */
export function clampCosine(c: number): number {
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

/** `what` names the value in messages, e.g. "cosine 3" or 'cosine of item 7 (group "cat")'. */
export function checkCosine(c: number, what = "cosine", tolerance = DEFAULT_NORM_TOLERANCE): void {
  if (typeof c !== "number" || !Number.isFinite(c)) {
    throw new MetricInputError("non_finite", `${what} is not a finite number (${String(c)})`);
  }
  if (c < -1 - tolerance || c > 1 + tolerance) {
    throw new MetricInputError(
      "out_of_range",
      `${what} is ${c}, outside [-1, 1]; pass the raw cosine, not a CLIPScore (0–100) or CLIP-S (0–2.5)`,
      { value: c },
    );
  }
}
