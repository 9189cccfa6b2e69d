// A run's point (diversity, CLIPScore) from per-prompt sums, on the full prompt set
// or on a resample, in O(P):
//   CLIPScore = clipScoreFromMean(Σ_p m_p·cosSum_p / Σ_p m_p·n_p)   (item-weighted,
//               clamp after the mean: the torchmetrics convention of lib/metrics)
//   diversity = Σ_p m_p·div_p / Σ_p m_p·[div_p defined]              (mean over prompts
//               with ≥ 2 samples)
// where m_p is how often prompt p was drawn (1 for the full set). Either is null when
// its denominator is 0. These are the run-level numbers of lib/metrics/summarize.ts.
import { clipScoreFromMean } from "../metrics/clip-score";
import type { PreparedInput, PromptStat, RunPoint, RunPromptArrays } from "./types";

export function runPromptArrays(prompts: readonly PromptStat[]): RunPromptArrays {
  const P = prompts.length;
  const a: RunPromptArrays = {
    cosSum: new Float64Array(P),
    n: new Float64Array(P),
    diversity: new Float64Array(P),
    hasDiversity: new Float64Array(P),
    cosSqSum: new Float64Array(P),
  };
  prompts.forEach((p, i) => {
    a.cosSum[i] = p.cosSum;
    a.n[i] = p.n;
    a.cosSqSum[i] = p.cosSqSum ?? NaN;
    if (p.diversity !== null) {
      a.diversity[i] = p.diversity;
      a.hasDiversity[i] = 1;
    }
  });
  return a;
}

/** The run's point with prompt p counted counts[p] times; counts omitted = every prompt once. */
export function runPointFromCounts(a: RunPromptArrays, counts?: ArrayLike<number>): RunPoint {
  let cos = 0;
  let n = 0;
  let div = 0;
  let nDiv = 0;
  const P = a.n.length;
  if (counts === undefined) {
    for (let p = 0; p < P; p++) {
      cos += a.cosSum[p]!;
      n += a.n[p]!;
      div += a.diversity[p]!;
      nDiv += a.hasDiversity[p]!;
    }
  } else {
    if (counts.length !== P) throw new RangeError(`counts for ${counts.length} prompts given to a run of ${P}`);
    for (let p = 0; p < P; p++) {
      const m = counts[p]!;
      if (m === 0) continue;
      cos += m * a.cosSum[p]!;
      n += m * a.n[p]!;
      div += m * a.diversity[p]!;
      nDiv += m * a.hasDiversity[p]!;
    }
  }
  return { diversity: nDiv > 0 ? div / nDiv : null, clipScore: n > 0 ? clipScoreFromMean(cos / n) : null };
}

/** The run's point on a multiset of prompt indices (repeats count again). */
export function runPointFromIndices(a: RunPromptArrays, indices: ArrayLike<number>): RunPoint {
  let cos = 0;
  let n = 0;
  let div = 0;
  let nDiv = 0;
  const P = a.n.length;
  for (let k = 0; k < indices.length; k++) {
    const p = indices[k]!;
    if (!(p >= 0 && p < P)) throw new RangeError(`prompt index ${p} is outside 0..${P - 1}`);
    cos += a.cosSum[p]!;
    n += a.n[p]!;
    div += a.diversity[p]!;
    nDiv += a.hasDiversity[p]!;
  }
  return { diversity: nDiv > 0 ? div / nDiv : null, clipScore: n > 0 ? clipScoreFromMean(cos / n) : null };
}

/** Multiplicities of drawn prompt indices (a multiset of indices → counts). */
export function promptCounts(indices: ArrayLike<number>, nPrompts: number): Float64Array {
  const counts = new Float64Array(nPrompts);
  for (let k = 0; k < indices.length; k++) {
    const p = indices[k]!;
    if (!Number.isInteger(p) || p < 0 || p >= nPrompts)
      throw new RangeError(`prompt index ${p} is outside 0..${nPrompts - 1}`);
    counts[p]++;
  }
  return counts;
}

/** One prompt's CLIPScore in one run (clamped after its own mean, as in prompt_scores); null if n = 0. */
export function promptClipScore(a: RunPromptArrays, p: number): number | null {
  return a.n[p]! > 0 ? clipScoreFromMean(a.cosSum[p]! / a.n[p]!) : null;
}

/**
 * Variance of one image's CLIPScore (100 · cosine) within prompt p of the run (unbiased, over its
 * n images); null with fewer than 2 images or without a stored cosSqSum.
 */
export function promptSampleVariance(a: RunPromptArrays, p: number): number | null {
  const n = a.n[p]!;
  const sq = a.cosSqSum[p]!;
  if (n < 2 || Number.isNaN(sq)) return null;
  return (1e4 * Math.max(0, sq - (a.cosSum[p]! * a.cosSum[p]!) / n)) / (n - 1);
}

/** Every run's coordinates as parallel arrays; NaN where undefined. */
export interface RunPoints {
  diversity: Float64Array;
  clipScore: Float64Array;
}

/** All runs' points on the full prompt set (counts omitted) or on one resample. */
export function computeRunPoints(input: PreparedInput, counts?: Float64Array): RunPoints {
  const R = input.runs.length;
  const out: RunPoints = { diversity: new Float64Array(R), clipScore: new Float64Array(R) };
  for (let r = 0; r < R; r++) {
    const pt = runPointFromCounts(input.runs[r]!.arrays, counts);
    out.diversity[r] = pt.diversity ?? NaN;
    out.clipScore[r] = pt.clipScore ?? NaN;
  }
  return out;
}
