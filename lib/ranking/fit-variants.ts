// Each replicate's fitted curve on one set of run points (the full sample or a resample), its
// fidelity at a level, and which variant dominates which. A variant holds one curve per
// replicate (trained copy); the full sample and every bootstrap resample go through the same
// functions, so the intervals cover the fit.
import { blockToRunWeights, fitMonotoneCurve, readingWeights, type CurveBlock } from "./monotone-curve";
import type { PreparedInput } from "./types";
import type { RunPoints } from "./run-points";

export interface VariantCurve {
  /** Indices into input.runs of the runs with a point on the full sample, by guidance scale. */
  runs: number[];
  /** Fitted points by increasing diversity; block run ranges index into `runs`. */
  blocks: CurveBlock[];
}

export interface ReplicateCurve extends VariantCurve {
  label: string | null;
  /** Every run of the replicate, with a point or not (input.runs indices). */
  allRuns: number[];
}

/** A variant's curves: one per replicate that has a run; `pooled` fits all its runs together (for the plot). */
export interface VariantCurves {
  replicates: ReplicateCurve[];
  pooled: VariantCurve;
}

function fitRuns(runs: readonly number[], points: RunPoints): VariantCurve {
  const kept = runs.filter((r) => Number.isFinite(points.diversity[r]!) && Number.isFinite(points.clipScore[r]!));
  return {
    runs: kept,
    blocks: fitMonotoneCurve(
      kept.map((r) => points.diversity[r]!),
      kept.map((r) => points.clipScore[r]!),
    ),
  };
}

/** Curves on the full sample: runs without a point (no diversity or no CLIP score) are left out. */
export function fitVariants(input: PreparedInput, points: RunPoints): VariantCurves[] {
  return input.variants.map((variant) => ({
    replicates: variant.replicates.map((rep) => ({
      label: rep.label,
      allRuns: rep.runs,
      ...fitRuns(rep.runs, points),
    })),
    pooled: fitRuns(variant.runs, points),
  }));
}

/** Highest fitted diversity of a curve; NaN without runs. */
export const curveReach = (c: VariantCurve): number =>
  c.blocks.length === 0 ? NaN : c.blocks[c.blocks.length - 1]!.diversity;

/** Lowest fitted diversity of a curve; NaN without runs. */
export const curveFloor = (c: VariantCurve): number => (c.blocks.length === 0 ? NaN : c.blocks[0]!.diversity);

/** The replicates with a fitted curve. */
export const fittedReplicates = (v: VariantCurves): ReplicateCurve[] => v.replicates.filter((r) => r.blocks.length > 0);

/**
 * Where every replicate of the variant is observed: [max of least diverse points, min of most
 * diverse points]; null when a replicate has no curve at all or they share no range.
 */
export function observedRange(v: VariantCurves): { low: number; high: number } | null {
  const reps = fittedReplicates(v);
  if (reps.length === 0) return null;
  const low = Math.max(...reps.map(curveFloor));
  const high = Math.min(...reps.map(curveReach));
  return low <= high ? { low, high } : null;
}

/** The lowest reach over the variant's replicates (the level every replicate reaches); NaN without curves. */
export function variantReach(v: VariantCurves): number {
  const reps = fittedReplicates(v);
  return reps.length === 0 ? NaN : Math.min(...reps.map(curveReach));
}

/** How one replicate is read in resamples: as on the full sample (flat below its span: "extended") or extended linearly. */
export type ReadMode = "flat" | "extend";

/**
 * The replicate's fidelity at `level` on resampled points, refitting its curve on the same runs as
 * the full sample: its value, whether the resampled curve no longer spanned the level (mode
 * "extend" only), and the weight each run (in `curve.runs` order) carries in it. NaN (a dropped
 * resample) if one of the runs has no point.
 */
export function resampledReading(
  curve: VariantCurve,
  points: RunPoints,
  level: number,
  mode: ReadMode,
  gapRatio?: number,
): { value: number; beyond: boolean; runWeights: Float64Array | null } {
  const m = curve.runs.length;
  const d = new Float64Array(m);
  const c = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const r = curve.runs[i]!;
    d[i] = points.diversity[r]!;
    c[i] = points.clipScore[r]!;
    if (Number.isNaN(d[i]!) || Number.isNaN(c[i]!)) return { value: NaN, beyond: false, runWeights: null };
  }
  const blocks = fitMonotoneCurve(d, c);
  const { weights, beyond } = readingWeights(blocks, level, mode === "extend", gapRatio);
  let value = 0;
  for (let k = 0; k < blocks.length; k++) value += weights[k]! * blocks[k]!.clipScore;
  return { value, beyond, runWeights: blockToRunWeights(blocks, weights, m) };
}

/** The value of resampledReading. */
export function resampledFidelity(
  curve: VariantCurve,
  points: RunPoints,
  level: number,
  mode: ReadMode,
  gapRatio?: number,
): { value: number; beyond: boolean } {
  const { value, beyond } = resampledReading(curve, points, level, mode, gapRatio);
  return { value, beyond };
}

/**
 * True when one run of `a` dominates every run of `b` on the full sample: at least as diverse
 * and at least as faithful as each of them, and better on one axis (all replicates' runs).
 */
export function dominatesAll(a: VariantCurves, b: VariantCurves, points: RunPoints): boolean {
  const ra = a.pooled.runs;
  const rb = b.pooled.runs;
  if (ra.length === 0 || rb.length === 0) return false;
  return ra.some((x) =>
    rb.every((y) => {
      const dd = points.diversity[x]! - points.diversity[y]!;
      const dc = points.clipScore[x]! - points.clipScore[y]!;
      return dd >= 0 && dc >= 0 && (dd > 0 || dc > 0);
    }),
  );
}
