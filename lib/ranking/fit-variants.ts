// Each variant's fitted curve on one set of run points (the full sample or a resample),
// its fidelity at a level, and which variant dominates which. The full sample and every
// bootstrap resample go through the same functions, so the intervals cover the fit.
import { fidelityAt, fitMonotoneCurve, type CurveBlock } from "./monotone-curve";
import type { PreparedInput } from "./types";
import type { RunPoints } from "./run-points";

export interface VariantCurve {
  /** Indices into input.runs of the runs with a point on the full sample, by guidance scale. */
  runs: number[];
  /** Fitted points by increasing diversity; block run ranges index into `runs`. */
  blocks: CurveBlock[];
}

/** Curves on the full sample: runs without a point (no diversity or no CLIP score) are left out. */
export function fitVariants(input: PreparedInput, points: RunPoints): VariantCurve[] {
  return input.variants.map((variant) => {
    const runs = variant.runs.filter(
      (r) => Number.isFinite(points.diversity[r]!) && Number.isFinite(points.clipScore[r]!),
    );
    return {
      runs,
      blocks: fitMonotoneCurve(
        runs.map((r) => points.diversity[r]!),
        runs.map((r) => points.clipScore[r]!),
      ),
    };
  });
}

/** Highest fitted diversity of a curve; NaN without runs. */
export const curveReach = (c: VariantCurve): number =>
  c.blocks.length === 0 ? NaN : c.blocks[c.blocks.length - 1]!.diversity;

/**
 * The variant's fidelity at `level` on resampled points, refitting its curve on the
 * same runs as the full sample; NaN (a dropped resample) if one of them has no point.
 */
export function resampledFidelity(curve: VariantCurve, points: RunPoints, level: number): number {
  const m = curve.runs.length;
  const d = new Float64Array(m);
  const c = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const r = curve.runs[i]!;
    d[i] = points.diversity[r]!;
    c[i] = points.clipScore[r]!;
    if (Number.isNaN(d[i]!) || Number.isNaN(c[i]!)) return NaN;
  }
  return fidelityAt(fitMonotoneCurve(d, c), level);
}

/**
 * True when one run of `a` dominates every run of `b` on the full sample: at least as
 * diverse and at least as faithful as each of them, and better on one axis.
 */
export function dominatesAll(a: VariantCurve, b: VariantCurve, points: RunPoints): boolean {
  if (a.runs.length === 0 || b.runs.length === 0) return false;
  return a.runs.some((ra) =>
    b.runs.every((rb) => {
      const dd = points.diversity[ra]! - points.diversity[rb]!;
      const dc = points.clipScore[ra]! - points.clipScore[rb]!;
      return dd >= 0 && dc >= 0 && (dd > 0 || dc > 0);
    }),
  );
}
