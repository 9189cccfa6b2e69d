// Ranks conditioning variants of one prompt set and one evaluator by fidelity at a
// diversity level (method v2; the rules are stated once in method-doc.ts, which the
// "About the ranking" page renders):
//   1. Each variant's curve is fitted along increasing guidance (monotone-curve.ts).
//   2. The level is the caller's, or by default the highest diversity every variant's
//      curve reaches (min over variants of the most diverse fitted point).
//   3. A variant is ranked if its curve reaches the level; its score is the curve's
//      CLIPScore there (held flat below its least diverse point: "extended").
//   4. A paired bootstrap over prompts refits every curve on each resample; each score's
//      CI and each pairwise difference state the resamples they rest on.
//   5. Every pair is tested; p-values are Holm-corrected over all pairs; a variant's rank
//      is 1 + the number of variants significantly better than it. A variant with a run
//      that dominates every run of another is never counted below it.
// A variant's score and CI depend only on its own runs, the prompts, the level and the
// seed, so adding or removing another variant at the same settings changes neither.
//
// Cost: per resample O(P · runs) for the run points plus O(runs) per variant for the
// fits; then O(V² · B log B) for the pairs.
import { curveReach, dominatesAll, fitVariants, resampledFidelity, type VariantCurve } from "./fit-variants";
import { holmAdjust } from "./holm";
import { fidelityAt } from "./monotone-curve";
import { prepareInput } from "./prepare-input";
import type { PreparedInput } from "./types";
import { pairedDifference, percentileInterval, resampleRuns } from "./resample";
import { computeRunPoints, type RunPoints } from "./run-points";
import { METHOD_VERSION, rankingOptionsSchema, type RankingOptions, type RankingSettings } from "./settings";
import type {
  DiversityLevel,
  PairComparison,
  RankedVariant,
  Ranking,
  RankingVariant,
  ScoredVariant,
  UnrankedVariant,
} from "./types";
import { curvePoints, fittedPoints, secondaryColumns, type RunIntervals } from "./variant-columns";

const fmt = (x: number) => x.toFixed(3);

export const DEFAULT_LEVEL_RULE = "the highest diversity every variant's fitted curve reaches";

/** Everything one pass over the data yields, before it is laid out for a page. */
export interface RankingCore {
  input: PreparedInput;
  settings: RankingSettings;
  points: RunPoints;
  curves: VariantCurve[];
  runCis: RunIntervals;
  level: DiversityLevel | null;
  maxLevel: number | null;
  /** Indices of the variants whose curve reaches the level. */
  scored: number[];
  /** Full-sample score per variant (NaN if not scored). */
  scores: Float64Array;
  /** Resampled scores of the scored variants (NaN = dropped). */
  samples: Map<number, Float64Array>;
}

/** Fits, chooses the level, scores and resamples; `level` overrides settings.diversity (the head-to-head's pair level). */
export function rankingCore(
  input: PreparedInput,
  settings: RankingSettings,
  chooseLevel?: (curves: VariantCurve[]) => DiversityLevel | null,
): RankingCore {
  const points = computeRunPoints(input);
  const curves = fitVariants(input, points);
  const reaches = curves.map(curveReach).filter((x) => !Number.isNaN(x));
  const maxLevel = reaches.length ? Math.max(...reaches) : null;
  let level: DiversityLevel | null;
  if (chooseLevel) level = chooseLevel(curves);
  else if (settings.diversity !== undefined)
    level = { value: settings.diversity, isDefault: false, rule: "set by the reader" };
  else level = reaches.length ? { value: Math.min(...reaches), isDefault: true, rule: DEFAULT_LEVEL_RULE } : null;

  const scored = level === null ? [] : curves.flatMap((c, v) => (curveReach(c) >= level.value ? [v] : []));
  const scores = new Float64Array(curves.length).fill(NaN);
  for (const v of scored) scores[v] = fidelityAt(curves[v]!.blocks, level!.value);
  const samples = new Map(scored.map((v) => [v, new Float64Array(settings.B).fill(NaN)]));
  const runCis = resampleRuns(input, settings, (resampled, b) => {
    for (const [v, values] of samples) values[b] = resampledFidelity(curves[v]!, resampled, level!.value);
  });
  return { input, settings, points, curves, runCis, level, maxLevel, scored, scores, samples };
}

export function scoredVariant(core: RankingCore, v: number): ScoredVariant {
  const { input, points, curves, runCis, level, scores, samples, settings } = core;
  const curve = curves[v]!;
  const least = curve.blocks[0]!.diversity;
  return {
    variantId: input.variants[v]!.variantId,
    score: scores[v]!,
    extended: least > level!.value,
    scoredAt: Math.max(least, level!.value),
    ci: percentileInterval(samples.get(v)!, settings),
    curve: curvePoints(input, v, points, curve, runCis),
    fitted: fittedPoints(input, curve),
    ...secondaryColumns(input, v, points),
  };
}

export function unrankedVariant(core: RankingCore, v: number): UnrankedVariant {
  const { input, points, curves, runCis, level } = core;
  const curve = curves[v]!;
  const runs = input.variants[v]!.runs;
  let reasonCode: UnrankedVariant["reasonCode"];
  let reason: string;
  if (runs.length === 0) {
    reasonCode = "no_runs";
    reason = "no scored runs on this prompt set with this evaluator";
  } else if (curve.runs.length === 0) {
    reasonCode = "no_scored_runs";
    reason = "no run has both a CLIP score and a diversity (diversity needs at least 2 images of a prompt)";
  } else {
    reasonCode = "below_level";
    reason = `its curve reaches diversity ${fmt(curveReach(curve))} at most, below the comparison level ${fmt(level!.value)}; lower the level to rank it`;
  }
  return {
    variantId: input.variants[v]!.variantId,
    reasonCode,
    reason,
    curve: curvePoints(input, v, points, curve, runCis),
    fitted: fittedPoints(input, curve),
    ...secondaryColumns(input, v, points),
  };
}

export function rankVariants(variants: readonly RankingVariant[], options: RankingOptions = {}): Ranking {
  const settings = rankingOptionsSchema.parse(options);
  const core = rankingCore(prepareInput(variants), settings);
  const { input, curves, points, scored, scores, samples } = core;
  const n = scored.length;

  // All pairs, Holm-corrected together.
  const raw: { i: number; j: number; d: ReturnType<typeof pairedDifference> }[] = [];
  for (let x = 0; x < n; x++) {
    for (let y = x + 1; y < n; y++) {
      const i = scored[x]!;
      const j = scored[y]!;
      raw.push({ i, j, d: pairedDifference(scores[i]! - scores[j]!, samples.get(i)!, samples.get(j)!, settings) });
    }
  }
  const adjusted = holmAdjust(raw.map((p) => p.d.pValue ?? 1));
  const dom = new Map<string, boolean>();
  const dominates = (i: number, j: number) => {
    const key = `${i}:${j}`;
    if (!dom.has(key)) dom.set(key, dominatesAll(curves[i]!, curves[j]!, points));
    return dom.get(key)!;
  };

  // better[i]: variants significantly better than i; a variant i dominates is never counted.
  const better = new Map(scored.map((v) => [v, 0]));
  const worse = new Map(scored.map((v) => [v, 0]));
  raw.forEach(({ i, j, d }, k) => {
    if (!(adjusted[k]! < settings.significance) || d.estimate === 0) return;
    const [hi, lo] = d.estimate > 0 ? [i, j] : [j, i];
    if (dominates(lo, hi)) return;
    better.set(lo, better.get(lo)! + 1);
    worse.set(hi, worse.get(hi)! + 1);
  });
  const rank = new Map(scored.map((v) => [v, 1 + better.get(v)!]));
  // Dominance is a fact about the runs, stronger than any interpolation: a dominating
  // variant takes at least the rank of the one it dominates (to a fixed point).
  for (let changed = true; changed;) {
    changed = false;
    for (const i of scored) {
      for (const j of scored) {
        if (i !== j && rank.get(i)! > rank.get(j)! && dominates(i, j)) {
          rank.set(i, rank.get(j)!);
          changed = true;
        }
      }
    }
  }

  const id = (v: number) => input.variants[v]!.variantId;
  const order = [...scored].sort(
    (a, b) => rank.get(a)! - rank.get(b)! || scores[b]! - scores[a]! || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0),
  );
  // Within a rank, a dominating variant is listed above the one it dominates.
  for (let k = 1; k < order.length; k++) {
    for (
      let m = k;
      m > 0 && rank.get(order[m]!) === rank.get(order[m - 1]!) && dominates(order[m]!, order[m - 1]!);
      m--
    ) {
      [order[m - 1], order[m]] = [order[m]!, order[m - 1]!];
    }
  }
  const position = new Map(order.map((v, k) => [v, k]));
  const posById = new Map(order.map((v, k) => [id(v), k]));

  const ranked: RankedVariant[] = order.map((v, k) => ({
    ...scoredVariant(core, v),
    position: k + 1,
    rank: rank.get(v)!,
    rankWorst: Math.max(rank.get(v)!, n - worse.get(v)!),
    significantlyBetterThan: worse.get(v)!,
    significantlyWorseThan: better.get(v)!,
    dominates: scored.filter((j) => j !== v && dominates(v, j)).map(id),
  }));
  const pairs: PairComparison[] = raw
    .map(({ i, j, d }, k): PairComparison => {
      // Listed with the higher-placed variant as A.
      const flip = position.get(i)! > position.get(j)!;
      const [a, b] = flip ? [j, i] : [i, j];
      const difference = flip
        ? { ...d, estimate: -d.estimate, ci: d.ci && { ...d.ci, low: -d.ci.high, high: -d.ci.low } }
        : d;
      return {
        a: id(a),
        b: id(b),
        difference,
        pAdjusted: adjusted[k]!,
        significant: adjusted[k]! < settings.significance && d.estimate !== 0,
        dominant: dominates(a, b) ? "a" : dominates(b, a) ? "b" : null,
      };
    })
    .sort((p, q) => posById.get(p.a)! - posById.get(q.a)! || posById.get(p.b)! - posById.get(q.b)!);

  const inRanking = new Set(scored);
  const unranked = input.variants.flatMap((_, v) => (inRanking.has(v) ? [] : [unrankedVariant(core, v)]));
  return {
    methodVersion: METHOD_VERSION,
    diversity: core.level,
    maxLevel: core.maxLevel,
    ranked,
    unranked,
    pairs,
    prompts: input.promptIds.length,
    settings,
  };
}
