// One pass of the ranking procedure on one set of run points: fronts, the common
// interval, every member's score. The full sample and each bootstrap resample go
// through this same function, so the intervals cover every step, including which
// variants share the interval and where it lies.
import { chooseCommonInterval } from "./common-interval";
import { interpolationWeights, paretoFront } from "./pareto-front";
import type { PreparedInput } from "./prepare-input";
import { runPointFromCounts } from "./run-points";
import type { Interval } from "./types";

/** Every run's coordinates; NaN where undefined. */
export interface RunPoints {
  diversity: Float64Array;
  clipScore: Float64Array;
}

/** A front as parallel arrays, by increasing diversity. */
export interface Front {
  runs: number[];
  diversity: number[];
  clipScore: number[];
}

export interface Pass {
  fronts: Front[];
  interval: Interval | null;
  members: number[];
  /** Score per variant; NaN for variants not ranked in this pass. */
  scores: Float64Array;
}

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

export function variantFront(runs: readonly number[], points: RunPoints): Front {
  const idx = paretoFront(runs.map((r) => ({ diversity: points.diversity[r]!, clipScore: points.clipScore[r]! })));
  const front: Front = { runs: [], diversity: [], clipScore: [] };
  for (const k of idx) {
    const r = runs[k]!;
    front.runs.push(r);
    front.diversity.push(points.diversity[r]!);
    front.clipScore.push(points.clipScore[r]!);
  }
  return front;
}

export function frontSpan(front: Front): Interval | null {
  const m = front.diversity.length;
  return m === 0 ? null : { lo: front.diversity[0]!, hi: front.diversity[m - 1]! };
}

/** Σ w_i · clipScore_i over the front's interpolation weights on [lo, hi]. */
export function frontScore(front: Front, interval: Interval): number {
  const w = interpolationWeights(front.diversity, interval.lo, interval.hi);
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]! * front.clipScore[i]!;
  return s;
}

export function evaluatePass(input: PreparedInput, points: RunPoints): Pass {
  const V = input.variants.length;
  const fronts = input.variants.map((variant) => variantFront(variant.runs, points));
  const spans = fronts.map(frontSpan);
  const { interval, members } = chooseCommonInterval(spans);
  const scores = new Float64Array(V).fill(NaN);
  if (interval !== null) for (const v of members) scores[v] = frontScore(fronts[v]!, interval);
  return { fronts, interval, members, scores };
}
