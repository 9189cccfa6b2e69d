// Percentile bootstrap over prompts (groups), plain and paired.
//
// Method:  draw B resamples of the G groups with replacement (each resample is G
//          group indices), evaluate the statistic on each, and report the
//          (1−level)/2 and 1−(1−level)/2 percentiles of the B values as the
//          interval. Resampling whole prompts, not images, keeps the images of a
//          prompt together, since they are not independent of each other.
// Inputs:  the number of groups G and statistics as functions of the resampled
//          group indices. `ratioOfSums` builds the usual O(G) statistic from
//          per-group sums precomputed once, so 1000 resamples × thousands of
//          prompts cost milliseconds rather than a pass over every image.
// Output:  { estimate, low, high, level, B, seed, dropped }: estimate is the
//          statistic on the original sample; dropped counts resamples on which the
//          statistic is undefined (e.g. no group with 2 images was drawn), which
//          are left out of the percentiles.
// Defaults: B = 1000, level = 0.95, seed = 0. Randomness: pure-rand xoroshiro128plus
//          seeded with `seed` (an unsigned 32-bit integer) + uniformInt, so the same
//          seed and inputs give identical intervals on every machine.
// Percentiles: linear interpolation between order statistics (numpy's default,
//          Hyndman & Fan type 7).
// Paired: two runs over the same prompt set, statistic A and B evaluated on the
//          SAME resampled indices; the interval is that of A − B. Two-sided
//          p-value convention: p = min(1, 2 · f), where f is the fraction of
//          resampled differences on the other side of 0 from the observed
//          difference, with differences exactly 0 counted as the other side (so
//          ties make p larger, never smaller); an observed difference of exactly 0
//          gives p = 1. Its resolution is 1/B: p = 0 means p < 1/B.
// Reference: Efron & Tibshirani, "An Introduction to the Bootstrap" (1993), ch. 13
//          (percentile interval) and ch. 16 (bootstrap tests).
//
// Example: per-prompt mean cosines 0.2, 0.3, 0.4 (one image each) and
//   stat = ratioOfSums([0.2, 0.3, 0.4], [1, 1, 1]); the estimate is 0.3 and a
//   resample such as indices [0, 0, 2] gives (0.2 + 0.2 + 0.4)/3 ≈ 0.267.
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { MetricInputError } from "./errors";

export const DEFAULT_BOOTSTRAP_B = 1000;
export const DEFAULT_BOOTSTRAP_LEVEL = 0.95;
export const DEFAULT_BOOTSTRAP_SEED = 0;

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  B?: number;
  /** Coverage of the interval, in (0, 1) (default 0.95). */
  level?: number;
  /** Unsigned 32-bit integer seed (default 0). */
  seed?: number;
}

export interface BootstrapResult {
  estimate: number;
  low: number;
  high: number;
  level: number;
  B: number;
  seed: number;
  /** Resamples on which the statistic was undefined (null), left out of the percentiles. */
  dropped: number;
}

export interface PairedBootstrapResult extends BootstrapResult {
  /** Statistic of run A on the original sample. */
  a: number;
  /** Statistic of run B on the original sample. */
  b: number;
  /** Two-sided bootstrap p-value for "A − B = 0" (convention in the top comment). */
  pValue: number;
}

/**
 * A statistic of a resample, given the G drawn group indices (with repeats).
 * Return null where it is undefined on that resample.
 */
export type GroupStatistic = (indices: Uint32Array) => number | null;

/** Bootstrap one statistic. */
export function bootstrap(nGroups: number, statistic: GroupStatistic, options: BootstrapOptions = {}): BootstrapResult {
  return bootstrapMany(nGroups, { value: statistic }, options).value;
}

/**
 * Bootstrap several statistics on the same resamples (one draw per resample), so
 * their intervals are mutually consistent and the draws are paid for once.
 */
export function bootstrapMany<K extends string>(
  nGroups: number,
  statistics: Record<K, GroupStatistic>,
  options: BootstrapOptions = {},
): Record<K, BootstrapResult> {
  const { B, level, seed } = resolveOptions(options);
  const keys = Object.keys(statistics) as K[];
  const estimates = keys.map((k) => definedEstimate(statistics[k], nGroups, k));
  const samples = keys.map(() => new Float64Array(B));
  const counts = keys.map(() => 0);
  forEachResample(nGroups, B, seed, (idx) => {
    keys.forEach((k, s) => {
      const v = statistics[k](idx);
      if (v !== null) samples[s]![counts[s]!++] = v;
    });
  });
  const out = {} as Record<K, BootstrapResult>;
  keys.forEach((k, s) => {
    const [low, high] = interval(samples[s]!.subarray(0, counts[s]!), level, k);
    out[k] = { estimate: estimates[s]!, low, high, level, B, seed, dropped: B - counts[s]! };
  });
  return out;
}

/** Paired bootstrap of A − B for two runs over the same G prompts, in the same order. */
export function pairedBootstrap(
  nGroups: number,
  statisticA: GroupStatistic,
  statisticB: GroupStatistic,
  options: BootstrapOptions = {},
): PairedBootstrapResult {
  const { B, level, seed } = resolveOptions(options);
  const a = definedEstimate(statisticA, nGroups, "run A");
  const b = definedEstimate(statisticB, nGroups, "run B");
  const estimate = a - b;
  const diffs = new Float64Array(B);
  let kept = 0;
  forEachResample(nGroups, B, seed, (idx) => {
    const va = statisticA(idx);
    const vb = statisticB(idx);
    if (va !== null && vb !== null) diffs[kept++] = va - vb;
  });
  const d = diffs.subarray(0, kept);
  const [low, high] = interval(d, level, "run A − run B");
  let otherSide = 0;
  for (const x of d) if (estimate > 0 ? x <= 0 : x >= 0) otherSide++;
  const pValue = estimate === 0 ? 1 : Math.min(1, (2 * otherSide) / kept);
  return { estimate, a, b, low, high, level, B, seed, dropped: B - kept, pValue };
}

/**
 * The statistic Σ num[g] / Σ den[g] over the drawn groups, optionally transformed
 * (e.g. the CLIPScore clamp); null when the drawn denominators sum to 0.
 * A mean over items is num = per-group sum, den = per-group count; a mean over
 * groups is num = group value, den = 1 (or 0 for groups that do not count).
 */
export function ratioOfSums(
  num: ArrayLike<number>,
  den: ArrayLike<number>,
  transform: (ratio: number) => number = (x) => x,
): GroupStatistic {
  if (num.length !== den.length) {
    throw new MetricInputError(
      "dimension_mismatch",
      `ratioOfSums: got ${num.length} numerators and ${den.length} denominators; pass one of each per group`,
    );
  }
  for (let g = 0; g < num.length; g++) {
    if (!Number.isFinite(num[g]) || !Number.isFinite(den[g]) || den[g]! < 0) {
      throw new MetricInputError(
        "non_finite",
        `ratioOfSums: group ${g} has numerator ${num[g]} and denominator ${den[g]}; both must be finite and the denominator >= 0`,
      );
    }
  }
  const n = Float64Array.from(num);
  const d = Float64Array.from(den);
  return (idx) => {
    if (idx.length !== n.length) {
      throw new MetricInputError(
        "dimension_mismatch",
        `ratioOfSums: statistic built for ${n.length} groups was given a resample of ${idx.length}`,
      );
    }
    let a = 0;
    let b = 0;
    for (let k = 0; k < idx.length; k++) {
      const g = idx[k]!;
      a += n[g]!;
      b += d[g]!;
    }
    return b > 0 ? transform(a / b) : null;
  };
}

/** Percentile of already sorted values, linear interpolation (Hyndman & Fan type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const m = sorted.length;
  if (m === 0) throw new MetricInputError("empty_input", "quantile of an empty sample");
  const h = (m - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, m - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function resolveOptions(options: BootstrapOptions): Required<BootstrapOptions> {
  const B = options.B ?? DEFAULT_BOOTSTRAP_B;
  const level = options.level ?? DEFAULT_BOOTSTRAP_LEVEL;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  if (!Number.isInteger(B) || B < 1) throw new MetricInputError("bad_argument", `B must be an integer >= 1, got ${B}`);
  if (!(level > 0 && level < 1)) {
    throw new MetricInputError("bad_argument", `level must be strictly between 0 and 1 (e.g. 0.95), got ${level}`);
  }
  // pure-rand reads the seed as 32 bits; rejecting anything else keeps two
  // different seeds from silently giving the same stream.
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new MetricInputError("bad_argument", `seed must be an integer in [0, 4294967295], got ${seed}`);
  }
  return { B, level, seed };
}

function definedEstimate(statistic: GroupStatistic, nGroups: number, name: string): number {
  if (!Number.isInteger(nGroups) || nGroups < 1) {
    throw new MetricInputError("empty_input", `bootstrap needs at least 1 group, got ${nGroups}`);
  }
  const identity = new Uint32Array(nGroups);
  for (let g = 0; g < nGroups; g++) identity[g] = g;
  const v = statistic(identity);
  if (v === null || !Number.isFinite(v)) {
    throw new MetricInputError(
      "bad_argument",
      `statistic "${name}" is undefined on the full sample, so it has no interval`,
    );
  }
  return v;
}

function forEachResample(nGroups: number, B: number, seed: number, visit: (idx: Uint32Array) => void): void {
  const rng = xoroshiro128plus(seed | 0);
  const idx = new Uint32Array(nGroups);
  const last = nGroups - 1;
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < nGroups; k++) idx[k] = uniformInt(rng, 0, last);
    visit(idx);
  }
}

function interval(values: Float64Array, level: number, name: string): [number, number] {
  if (values.length === 0) {
    throw new MetricInputError("bad_argument", `statistic "${name}" was undefined on every resample`);
  }
  const sorted = Float64Array.from(values).sort();
  const alpha = (1 - level) / 2;
  return [quantileSorted(sorted, alpha), quantileSorted(sorted, 1 - alpha)];
}
