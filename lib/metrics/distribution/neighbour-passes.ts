// The two passes over squared distances that the k-NN metrics (precision/recall, density/coverage)
// and CMMD share: one within a set (k-NN radii, kernel sum) and one across the sets (manifold
// membership counts, nearest cross distance, kernel sum). Each pass walks the distance matrix in
// row blocks (dot-products.ts), so a 10,000 × 10,000 comparison never holds more than one block.
import { MetricInputError } from "../errors";
import { forEachSquaredDistanceBlock, type DotProductBackend } from "./dot-products";
import { rowSquaredNorms, type EmbeddingMatrix } from "./embedding-matrix";

export interface IntraSetStats {
  /** Per k asked for: squared distance from each point to its k-th nearest neighbour in its own set (itself excluded). */
  radiiSq: Map<number, Float64Array>;
  /** Σ_{i,j} exp(−‖x_i − x_j‖² / (2σ²)) over all ordered pairs, diagonal included; null when no σ was given. */
  kernelSum: number | null;
  norms: Float64Array;
}

/**
 * k-NN radii of every point of `x` for each k in `ks` (each 1 ≤ k ≤ n − 1), and optionally the
 * Gaussian kernel sum with bandwidth `sigma`. Throws MetricInputError "empty_input" when the set
 * has k or fewer points.
 */
export async function intraSetPass(
  x: EmbeddingMatrix,
  ks: readonly number[],
  sigma: number | null,
  backend: DotProductBackend,
  label: string,
): Promise<IntraSetStats> {
  const kMax = ks.length ? Math.max(...ks) : 0;
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1) throw new MetricInputError("bad_argument", `k must be an integer ≥ 1, got ${k}`);
  }
  if (kMax > 0 && x.n <= kMax) {
    throw new MetricInputError(
      "empty_input",
      `the ${label} set has ${x.n} samples; k-NN radii with k = ${kMax} need at least ${kMax + 1}`,
      { n: x.n, k: kMax },
    );
  }
  const norms = rowSquaredNorms(x);
  const n = x.n;
  // Per row, the kMax smallest distances to other points, ascending.
  const best = new Float64Array(n * Math.max(1, kMax)).fill(Infinity);
  const gamma = sigma === null ? 0 : 1 / (2 * sigma * sigma);
  let kernelSum = 0;
  await forEachSquaredDistanceBlock(x, norms, x, norms, backend, (start, rows, sq) => {
    for (let r = 0; r < rows; r++) {
      const i = start + r;
      const o = r * n;
      const bo = i * kMax;
      for (let j = 0; j < n; j++) {
        const v = j === i ? 0 : sq[o + j]!;
        if (sigma !== null) kernelSum += Math.exp(-gamma * v);
        if (kMax === 0 || j === i || v >= best[bo + kMax - 1]!) continue;
        let p = kMax - 1;
        while (p > 0 && best[bo + p - 1]! > v) {
          best[bo + p] = best[bo + p - 1]!;
          p--;
        }
        best[bo + p] = v;
      }
    }
  });
  const radiiSq = new Map<number, Float64Array>();
  for (const k of ks) {
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = best[i * kMax + k - 1]!;
    radiiSq.set(k, r);
  }
  return { radiiSq, kernelSum: sigma === null ? null : kernelSum, norms };
}

export interface CrossSetStats {
  /** Per reference radius k: for each generated point, how many reference balls B(x_i, r_k(x_i)) contain it (strict <). */
  insideReferenceCount: Map<number, Uint32Array>;
  /** Per reference point: the squared distance to its nearest generated point. */
  nearestGeneratedSq: Float64Array;
  /** Per generated radius k: for each reference point, whether some generated ball contains it (strict <). */
  referenceInsideGenerated: Map<number, Uint8Array>;
  /** Σ_{i,j} exp(−‖x_i − y_j‖² / (2σ²)); null when no σ was given. */
  kernelSum: number | null;
}

/** One pass over the reference × generated squared distances; radii come from `intraSetPass`. */
export async function crossSetPass(
  reference: EmbeddingMatrix,
  referenceStats: IntraSetStats,
  generated: EmbeddingMatrix,
  generatedStats: IntraSetStats,
  sigma: number | null,
  backend: DotProductBackend,
): Promise<CrossSetStats> {
  const m = generated.n;
  const insideReferenceCount = new Map<number, Uint32Array>();
  for (const k of referenceStats.radiiSq.keys()) insideReferenceCount.set(k, new Uint32Array(m));
  const referenceInsideGenerated = new Map<number, Uint8Array>();
  for (const k of generatedStats.radiiSq.keys()) referenceInsideGenerated.set(k, new Uint8Array(reference.n));
  const nearestGeneratedSq = new Float64Array(reference.n).fill(Infinity);
  // Indexed arrays rather than Map iteration: this loop body runs n·m times.
  const refRadii = [...referenceStats.radiiSq.entries()].map(([k, r]) => ({
    radii: r,
    counts: insideReferenceCount.get(k)!,
  }));
  const genRadii = [...generatedStats.radiiSq.entries()].map(([k, r]) => ({
    radii: r,
    inside: referenceInsideGenerated.get(k)!,
  }));
  const nRef = refRadii.length;
  const nGen = genRadii.length;
  const rowRadius = new Float64Array(nRef);
  const gamma = sigma === null ? 0 : 1 / (2 * sigma * sigma);
  let kernelSum = 0;
  await forEachSquaredDistanceBlock(
    reference,
    referenceStats.norms,
    generated,
    generatedStats.norms,
    backend,
    (start, rows, sq) => {
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        const o = r * m;
        for (let q = 0; q < nRef; q++) rowRadius[q] = refRadii[q]!.radii[i]!;
        let nearest = nearestGeneratedSq[i]!;
        for (let j = 0; j < m; j++) {
          const v = sq[o + j]!;
          if (v < nearest) nearest = v;
          if (sigma !== null) kernelSum += Math.exp(-gamma * v);
          for (let q = 0; q < nRef; q++) if (v < rowRadius[q]!) refRadii[q]!.counts[j]!++;
          for (let q = 0; q < nGen; q++) if (v < genRadii[q]!.radii[j]!) genRadii[q]!.inside[i] = 1;
        }
        nearestGeneratedSq[i] = nearest;
      }
    },
  );
  return {
    insideReferenceCount,
    nearestGeneratedSq,
    referenceInsideGenerated,
    kernelSum: sigma === null ? null : kernelSum,
  };
}
