// The geometry of one variant's runs on the (diversity, CLIPScore) plane.
//
// Front:     the runs no other run dominates (another run at least as diverse AND at
//            least as faithful, better in one), sorted by increasing diversity, so
//            CLIPScore strictly decreases along it. Of exactly equal points only the
//            first (callers pass runs by guidance scale: the lowest) is kept, so a
//            front of k points always spans k distinct diversities.
// Hypervolume: area of the union of the rectangles [ref.d, d_i] × [ref.c, c_i].
//
// Method v2 scores variants on their fitted curves (monotone-curve.ts); the front only
// feeds the hypervolume column, which describes the whole range a variant was run over.
//
// Example: front (0.2, 70), (0.3, 68), (0.6, 50):
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
  idx.sort(
    (i, j) => points[j]!.diversity - points[i]!.diversity || points[j]!.clipScore - points[i]!.clipScore || i - j,
  );
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
