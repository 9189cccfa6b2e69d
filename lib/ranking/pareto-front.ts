// The geometry of one variant's runs on the (diversity, CLIPScore) plane.
//
// Front:     the runs no other run dominates (another run at least as diverse AND at
//            least as faithful, better in one), sorted by increasing diversity, so
//            CLIPScore strictly decreases along it. Of exactly equal points only the
//            first (callers pass runs by guidance scale: the lowest) is kept, so a
//            front of k points always spans k distinct diversities.
// Curve:     the piecewise-linear interpolation of CLIPScore as a function of
//            diversity through the front points, defined on [first, last] diversity.
// Mean:      (1/(hi − lo)) ∫_lo^hi curve, or curve(lo) when lo = hi; written as
//            weights on the front points (Σ w = 1) so the same average can be taken of
//            any per-run quantity, e.g. per-prompt CLIP scores in the head-to-head.
// Hypervolume: area of the union of the rectangles [ref.d, d_i] × [ref.c, c_i].
//
// Example: front (0.2, 70), (0.3, 68), (0.6, 50) on [0.2, 0.6]:
//   ∫ = 0.1·(70 + 68)/2 + 0.3·(68 + 50)/2 = 6.9 + 17.7 = 24.6; mean = 24.6/0.4 = 61.5
//   hypervolume w.r.t. (0, 0) = 0.2·70 + 0.1·68 + 0.3·50 = 35.8
import { HYPERVOLUME_REFERENCE } from "./settings";

export interface PlanePoint {
  diversity: number;
  clipScore: number;
}

/** Indices of the non-dominated points, by increasing diversity; non-finite points are skipped. */
export function paretoFront(points: readonly PlanePoint[]): number[] {
  const idx: number[] = [];
  for (let i = 0; i < points.length; i++) {
    if (Number.isFinite(points[i]!.diversity) && Number.isFinite(points[i]!.clipScore)) idx.push(i);
  }
  // Most diverse first; a point survives only if it beats every more diverse one on CLIPScore.
  idx.sort((i, j) => points[j]!.diversity - points[i]!.diversity || points[j]!.clipScore - points[i]!.clipScore || i - j);
  const front: number[] = [];
  let best = -Infinity;
  for (const i of idx) {
    if (points[i]!.clipScore > best) {
      front.push(i);
      best = points[i]!.clipScore;
    }
  }
  return front.reverse();
}

/**
 * Weights w on the front points (increasing diversity xs) with Σ w_i y_i = mean of
 * the interpolated curve over [lo, hi]. Throws when [lo, hi] is not inside [xs₀, xs_last].
 */
export function interpolationWeights(xs: ArrayLike<number>, lo: number, hi: number): Float64Array {
  const m = xs.length;
  if (m === 0 || !(lo <= hi) || lo < xs[0]! || hi > xs[m - 1]!) {
    throw new RangeError(`interval [${lo}, ${hi}] is not covered by a front spanning [${xs[0]}, ${xs[m - 1]}]`);
  }
  const w = new Float64Array(m);
  if (lo === hi) {
    for (let i = 0; i < m; i++) {
      if (xs[i] === lo) {
        w[i] = 1;
        return w;
      }
      if (xs[i]! < lo && lo < xs[i + 1]!) {
        const t = (lo - xs[i]!) / (xs[i + 1]! - xs[i]!);
        w[i] = 1 - t;
        w[i + 1] = t;
        return w;
      }
    }
  }
  // Trapezoid on each segment's part inside [lo, hi], split between its two ends.
  for (let i = 0; i + 1 < m; i++) {
    const s = Math.max(lo, xs[i]!);
    const e = Math.min(hi, xs[i + 1]!);
    if (e <= s) continue;
    const h = xs[i + 1]! - xs[i]!;
    const ts = (s - xs[i]!) / h;
    const te = (e - xs[i]!) / h;
    const half = (e - s) / 2;
    w[i] += half * (2 - ts - te);
    w[i + 1] += half * (ts + te);
  }
  const width = hi - lo;
  for (let i = 0; i < m; i++) w[i] /= width;
  return w;
}

/** Mean CLIPScore of a front's interpolated curve over [lo, hi] (its value at lo when lo = hi). */
export function meanOnInterval(front: readonly PlanePoint[], lo: number, hi: number): number {
  const w = interpolationWeights(
    front.map((p) => p.diversity),
    lo,
    hi,
  );
  let s = 0;
  for (let i = 0; i < front.length; i++) s += w[i]! * front[i]!.clipScore;
  return s;
}

/** 2-D hypervolume of a front (increasing diversity) w.r.t. `ref`; 0 for an empty front. */
export function hypervolume(front: readonly PlanePoint[], ref: PlanePoint = HYPERVOLUME_REFERENCE): number {
  let area = 0;
  let left = ref.diversity;
  for (const p of front) {
    // Rounding can put a point a hair below the reference; it then adds nothing.
    const width = p.diversity - left;
    if (width > 0) {
      area += width * Math.max(0, p.clipScore - ref.clipScore);
      left = p.diversity;
    }
  }
  return area;
}
