// A variant's diversity–fidelity curve, fitted along increasing guidance, and its
// fidelity at a diversity level.
//
// Fit:   runs are taken in order of increasing guidance scale. Raising guidance is meant
//        to lower diversity, so diversity is fitted non-increasing in guidance by the
//        pool-adjacent-violators algorithm (PAVA, Barlow et al. 1972, "Statistical
//        inference under order restrictions"): neighbouring runs whose diversities are
//        out of order (or equal) are pooled into one block whose point is the
//        unweighted mean of their (diversity, CLIPScore). Blocks then have strictly
//        decreasing diversity, so CLIPScore is a function of diversity.
// Value: fidelity at level d = a cubic interpolation of the block points' CLIPScore in
//        diversity at d: on the segment [x_k, x_k+1] holding d, at t = (d − x_k)/(x_k+1 − x_k),
//        (1 − t)·Q_left(d) + t·Q_right(d), where Q_left and Q_right are the quadratics
//        through blocks k−1..k+1 and k..k+2 (the cubic blend of Overhauser / Catmull–Rom,
//        Brewer & Anderson 1977); a missing neighbour leaves the other quadratic, two
//        blocks give the straight line. It is linear in the blocks' CLIPScores and its
//        error on a smooth curve shrinks as h³ with the spacing h, where a straight line's
//        shrinks as h²: a chord under a concave curve would score sparse sweeps lower
//        than dense ones. Below the least diverse block the curve is held
//        flat at that block's CLIPScore ("extended": the variant reaches that fidelity
//        at more diversity than asked, a conservative value); above the most diverse
//        block the variant is not scored; in a bootstrap resample of a curve that spans d on
//        the full sample, an end moved past d is read on a chord from that end
//        (fidelityAtExtended, counted), method v3.
// Why:   an interpolation of means is a linear function of the run points, so more runs
//        do not raise the expected score, unlike a maximum over noisy points (a Pareto
//        front), which grows with the number of runs.
//
// Example: runs at guidance 1, 2, 3 with points (0.5, 20), (0.52, 24), (0.3, 30):
//   runs 1 and 2 are out of order in diversity → block (0.51, 22); blocks by diversity
//   (0.3, 30), (0.51, 22); two blocks give the straight line, so at d = 0.4:
//   30 + (0.4 − 0.3)/(0.21)·(22 − 30) = 26.19.

/** One fitted point: the mean of the pooled runs `first..last` (indices in guidance order). */
export interface CurveBlock {
  first: number;
  last: number;
  diversity: number;
  clipScore: number;
}

/**
 * Fits the curve of runs given in increasing guidance order (finite points only).
 * Returns the blocks by increasing diversity; [] for no runs.
 */
export function fitMonotoneCurve(diversity: ArrayLike<number>, clipScore: ArrayLike<number>): CurveBlock[] {
  const m = diversity.length;
  if (clipScore.length !== m) throw new RangeError(`${m} diversities but ${clipScore.length} CLIP scores`);
  // Stack of blocks in guidance order, diversity strictly decreasing.
  const first: number[] = [];
  const sumD: number[] = [];
  const sumC: number[] = [];
  const size: number[] = [];
  for (let i = 0; i < m; i++) {
    const d = diversity[i]!;
    const c = clipScore[i]!;
    if (!Number.isFinite(d) || !Number.isFinite(c))
      throw new RangeError(`run ${i} has a non-finite point (${d}, ${c})`);
    first.push(i);
    sumD.push(d);
    sumC.push(c);
    size.push(1);
    while (size.length > 1) {
      const k = size.length - 1;
      if (sumD[k]! / size[k]! < sumD[k - 1]! / size[k - 1]!) break;
      sumD[k - 1] += sumD[k]!;
      sumC[k - 1] += sumC[k]!;
      size[k - 1] += size[k]!;
      first.pop();
      sumD.pop();
      sumC.pop();
      size.pop();
    }
  }
  const blocks: CurveBlock[] = first.map((f, k) => ({
    first: f,
    last: f + size[k]! - 1,
    diversity: sumD[k]! / size[k]!,
    clipScore: sumC[k]! / size[k]!,
  }));
  return blocks.reverse();
}

/**
 * Interpolation weights of a level on the blocks (increasing diversity): Σ w_k = 1 and
 * the curve's value at `level` is Σ w_k · clipScore_k, held flat outside the blocks' span.
 */
export function levelWeights(
  blockDiversity: ArrayLike<number>,
  level: number,
  gapRatio = NEIGHBOUR_GAP_RATIO,
): Float64Array {
  const m = blockDiversity.length;
  if (m === 0) throw new RangeError("a curve needs at least one run");
  const x = blockDiversity;
  const w = new Float64Array(m);
  if (level <= x[0]!) w[0] = 1;
  else if (level >= x[m - 1]!) w[m - 1] = 1;
  else {
    let k = 0;
    while (x[k + 1]! < level) k++;
    const t = (level - x[k]!) / (x[k + 1]! - x[k]!);
    const h = x[k + 1]! - x[k]!;
    const left = k > 0 ? taper(lagrange(x, k - 1, level), (x[k]! - x[k - 1]!) / h, [0, 1 - t, t], gapRatio) : null;
    const right = k + 2 < m ? taper(lagrange(x, k, level), (x[k + 2]! - x[k + 1]!) / h, [1 - t, t, 0], gapRatio) : null;
    if (left === null && right === null) {
      w[k] = 1 - t;
      w[k + 1] = t;
    } else {
      // Blend of the two quadratics through the neighbours, (1 − t)·left + t·right.
      const [wl, wr] = left === null ? [0, 1] : right === null ? [1, 0] : [1 - t, t];
      if (left) for (let j = 0; j < 3; j++) w[k - 1 + j] += wl * left[j]!;
      if (right) for (let j = 0; j < 3; j++) w[k + j] += wr * right[j]!;
    }
  }
  return w;
}

/**
 * A neighbouring block closer to the segment than this share of the segment's width enters its
 * quadratic only in part: the piece is λ·quadratic + (1 − λ)·chord with λ = min(1, gap /
 * (NEIGHBOUR_GAP_RATIO · width)). A quadratic through two nearly coincident blocks has weights
 * of order width/gap that would multiply their noise; tapered, no weight exceeds about 0.5 in
 * size, and λ moves continuously with the blocks, so a resample that brings two blocks together
 * moves the value a little, not wildly.
 */
export const NEIGHBOUR_GAP_RATIO = 0.5;

function taper(
  quadratic: [number, number, number],
  gapRatio: number,
  chord: [number, number, number],
  ratio: number,
): [number, number, number] {
  const lambda = ratio > 0 ? Math.min(1, gapRatio / ratio) : 1;
  if (lambda === 1) return quadratic;
  return [0, 1, 2].map((j) => lambda * quadratic[j]! + (1 - lambda) * chord[j]!) as [number, number, number];
}

/** Lagrange weights at `at` of the quadratic through points s, s + 1, s + 2. */
function lagrange(x: ArrayLike<number>, s: number, at: number): [number, number, number] {
  const [a, b, c] = [x[s]!, x[s + 1]!, x[s + 2]!];
  return [
    ((at - b) * (at - c)) / ((a - b) * (a - c)),
    ((at - a) * (at - c)) / ((b - a) * (b - c)),
    ((at - a) * (at - b)) / ((c - a) * (c - b)),
  ];
}

/** The curve's fidelity at `level` (flat outside its span); NaN for an empty curve. */
export function fidelityAt(blocks: readonly CurveBlock[], level: number, gapRatio = NEIGHBOUR_GAP_RATIO): number {
  if (blocks.length === 0) return NaN;
  const w = levelWeights(
    blocks.map((b) => b.diversity),
    level,
    gapRatio,
  );
  let s = 0;
  for (let k = 0; k < blocks.length; k++) s += w[k]! * blocks[k]!.clipScore;
  return s;
}

/**
 * Share of a curve's diversity span that the chord of an extension must cover: beyond its span,
 * a resampled curve is read on the straight line through its end block and the nearest block at
 * least this share of the span away (the far end at the latest). A chord to an adjacent block
 * that the resample brought almost onto the end one would have a slope of noise over nearly 0.
 */
export const EXTENSION_CHORD_SHARE = 0.25;

/**
 * Block weights of a resampled curve's reading at `level` (method v3): inside the span as
 * levelWeights; outside it, with `extend`, on the chord described at EXTENSION_CHORD_SHARE
 * (`beyond` true), so a resample that moved the end past the level is neither clamped to the end
 * point (which shrinks the spread on one side) nor dropped; without `extend`, held flat. A single
 * block is held flat (`beyond` when the level is not its diversity and `extend` is asked).
 */
export function readingWeights(
  blocks: readonly CurveBlock[],
  level: number,
  extend: boolean,
  gapRatio = NEIGHBOUR_GAP_RATIO,
): { weights: Float64Array; beyond: boolean } {
  const m = blocks.length;
  if (m === 0) return { weights: new Float64Array(0), beyond: false };
  const x = blocks.map((b) => b.diversity);
  const inside = level >= x[0]! && level <= x[m - 1]!;
  if (inside || !extend) return { weights: levelWeights(x, level, gapRatio), beyond: false };
  const weights = new Float64Array(m);
  if (m === 1) {
    weights[0] = 1;
    return { weights, beyond: true };
  }
  const need = EXTENSION_CHORD_SHARE * (x[m - 1]! - x[0]!);
  const below = level < x[0]!;
  const end = below ? 0 : m - 1;
  let other = below ? m - 1 : 0;
  for (let j = 1; j < m; j++) {
    const k = below ? j : m - 1 - j;
    if (Math.abs(x[k]! - x[end]!) >= need) {
      other = k;
      break;
    }
  }
  const t = (level - x[end]!) / (x[other]! - x[end]!);
  weights[end] = 1 - t;
  weights[other] = t;
  return { weights, beyond: true };
}

/** The value of readingWeights(…, extend = true): the resampled curve's fidelity at `level`. */
export function fidelityAtExtended(
  blocks: readonly CurveBlock[],
  level: number,
  gapRatio = NEIGHBOUR_GAP_RATIO,
): { value: number; beyond: boolean } {
  if (blocks.length === 0) return { value: NaN, beyond: false };
  const { weights, beyond } = readingWeights(blocks, level, true, gapRatio);
  let value = 0;
  for (let k = 0; k < blocks.length; k++) value += weights[k]! * blocks[k]!.clipScore;
  return { value, beyond };
}

/** Block weights spread over the runs of each block (guidance order): Σ_r w_r·clipScore_r is the same value. */
export function blockToRunWeights(blocks: readonly CurveBlock[], w: ArrayLike<number>, runs: number): Float64Array {
  const out = new Float64Array(runs);
  blocks.forEach((b, k) => {
    const share = w[k]! / (b.last - b.first + 1);
    for (let r = b.first; r <= b.last; r++) out[r] += share;
  });
  return out;
}

/**
 * The same value as weights on the runs (guidance order): the score is Σ w_r · clipScore_r,
 * so any per-run quantity (e.g. one prompt's CLIP score) can be averaged the same way.
 */
export function runWeightsAt(
  blocks: readonly CurveBlock[],
  level: number,
  runs: number,
  gapRatio = NEIGHBOUR_GAP_RATIO,
): Float64Array {
  const out = new Float64Array(runs);
  if (blocks.length === 0) return out;
  return blockToRunWeights(
    blocks,
    levelWeights(
      blocks.map((b) => b.diversity),
      level,
      gapRatio,
    ),
    runs,
  );
}
