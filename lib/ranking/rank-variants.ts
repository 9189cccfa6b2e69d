// Ranks conditioning variants of one prompt set and one evaluator by fidelity at a
// diversity level (method v3; the rules are stated once in method-doc.ts, which the
// "About the ranking" page renders):
//   1. Each replicate (trained copy) of a variant has its own curve, fitted along increasing
//      guidance (monotone-curve.ts); a variant without replicate labels has one.
//   2. The level is the reader's, else the prompt set's default level given by the caller
//      (lib/leaderboard/board-level.ts: reference set, admin, or frozen), never chosen from the
//      variants on the board; with none given, the highest diversity every curve reaches
//      (flagged: it depends on the variants).
//   3. A variant is ranked if every replicate's curve reaches the level; its score is the mean
//      over replicates of each curve's CLIPScore there (held flat below a curve's least diverse
//      point: "extended", stated per variant).
//   4. A bootstrap over prompts (the same draws for every run) refits every curve on each
//      resample; intervals and tests are t-based on those resamples' variance × G/(G − 1) plus
//      the replicates' model variance (inference.ts). Resample rules are counted in the output.
//   5. Every pair is tested; p-values are Holm-corrected over all pairs; a variant's rank
//      is 1 + the number of variants significantly better than it. A variant with a run
//      that dominates every run of another is never counted below it. Below
//      MIN_CALIBRATED_PROMPTS prompts significance is withheld.
// A variant's score and CI depend only on its own runs, the prompts, the level and the
// seed, so at a level that does not come from the variants (the reader's or the prompt
// set's), adding or removing another variant changes neither, nor any raw pairwise p.
//
// Cost: per resample O(P · runs) for the run points plus O(runs) per replicate for the
// fits; then O(V² · B) for the pairs.
import {
  curveFloor,
  curveReach,
  dominatesAll,
  fitVariants,
  fittedReplicates,
  observedRange,
  resampledReading,
  variantReach,
  type VariantCurves,
} from "./fit-variants";
import { holmAdjust } from "./holm";
import {
  minimumDetectable,
  pairedDifference,
  variantInterval,
  type InferenceContext,
  type VariantSamples,
} from "./inference";
import { fidelityAt, runWeightsAt, type CurveBlock } from "./monotone-curve";
import { prepareInput } from "./prepare-input";
import { resampleRuns } from "./resample";
import { V3_RULES, type RankingRules } from "./rules";
import { computeRunPoints, promptSampleVariance, type RunPoints } from "./run-points";
import {
  METHOD_VERSION,
  POWER_TARGET,
  rankingOptionsSchema,
  type RankingOptions,
  type RankingSettings,
} from "./settings";
import type {
  BoardPower,
  DiversityLevel,
  PairComparison,
  PairedDifference,
  PreparedInput,
  RankedVariant,
  Ranking,
  RankingVariant,
  ReplicateSummary,
  ScoredVariant,
  SignificanceStatus,
  UnrankedVariant,
  VarianceComponents,
} from "./types";
import { curvePoints, fittedPoints, secondaryColumns, type RunIntervals } from "./variant-columns";

const fmt = (x: number) => x.toFixed(3);

export const COMMON_REACH_RULE =
  "the highest diversity every variant's fitted curve reaches (no level was set for the prompt set: this one moves when variants are added or removed)";

/** Everything one pass over the data yields, before it is laid out for a page. */
export interface RankingCore {
  input: PreparedInput;
  settings: RankingSettings;
  rules: RankingRules;
  points: RunPoints;
  curves: VariantCurves[];
  runCis: RunIntervals;
  level: DiversityLevel | null;
  maxLevel: number | null;
  /** Indices of the variants whose every replicate's curve reaches the level. */
  scored: number[];
  /** Full-sample score per variant (NaN if not scored). */
  scores: Float64Array;
  /** Resampled scores of the scored variants. */
  samples: Map<number, VariantSamples>;
  ctx: InferenceContext;
}

/** The level: the reader's, else the prompt set's default, else the highest diversity every curve reaches. */
export function chooseLevel(curves: VariantCurves[], settings: RankingSettings): DiversityLevel | null {
  if (settings.diversity !== undefined)
    return {
      value: settings.diversity,
      isDefault: false,
      source: "reader",
      rule: "set by the reader",
      dependsOnVariants: false,
    };
  if (settings.defaultLevel) return { ...settings.defaultLevel, isDefault: true, dependsOnVariants: false };
  const reaches = curves.map(variantReach).filter((x) => !Number.isNaN(x));
  if (reaches.length === 0) return null;
  return {
    value: Math.min(...reaches),
    isDefault: true,
    source: "common-reach",
    rule: COMMON_REACH_RULE,
    dependsOnVariants: true,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Per-prompt variance of a replicate curve's score from image sampling (CLIP term only); null when not stored. */
function curveSampleVariance(
  input: PreparedInput,
  curve: { runs: number[]; blocks: CurveBlock[] },
  level: number,
  gapRatio: number,
): number | null {
  const w = runWeightsAt(curve.blocks, level, curve.runs.length, gapRatio);
  const P = input.promptIds.length;
  let total = 0;
  for (let i = 0; i < w.length; i++) {
    if (w[i] === 0) continue;
    const a = input.runs[curve.runs[i]!]!.arrays;
    // Var of a run's CLIPScore from its images: Σ_p n_p·s²_p / (Σ_p n_p)²; × P per prompt.
    let num = 0;
    let n = 0;
    for (let p = 0; p < P; p++) {
      const s2 = promptSampleVariance(a, p);
      if (s2 === null && a.n[p]! >= 2) return null;
      if (s2 !== null) num += a.n[p]! * s2;
      n += a.n[p]!;
    }
    if (n === 0) return null;
    total += w[i]! * w[i]! * ((num / (n * n)) * P);
  }
  return total;
}

/**
 * Per run of a curve, the variance of its CLIPScore's own noise (σ²/G): the spread over prompts of
 * its per-prompt CLIPScore around the mean of the curve's runs at that prompt (which takes out
 * what the runs share: the prompt's difficulty, the variant's way with it), × R/(R − 1) for that
 * mean, / G. Zero for a curve of one run (its weight never moves).
 */
function runNoiseVariances(input: PreparedInput, runs: readonly number[]): Float64Array {
  const R = runs.length;
  const out = new Float64Array(R);
  if (R < 2) return out;
  const P = input.promptIds.length;
  const arrays = runs.map((r) => input.runs[r]!.arrays);
  const usable: number[] = [];
  for (let p = 0; p < P; p++) if (arrays.every((a) => a.n[p]! > 0)) usable.push(p);
  const G = usable.length;
  if (G < 2) return out;
  const res = arrays.map(() => new Float64Array(G));
  usable.forEach((p, j) => {
    let mean = 0;
    for (const a of arrays) mean += (100 * a.cosSum[p]!) / a.n[p]!;
    mean /= R;
    arrays.forEach((a, i) => (res[i]![j] = (100 * a.cosSum[p]!) / a.n[p]! - mean));
  });
  res.forEach((x, i) => {
    const m = x.reduce((a, b) => a + b, 0) / G;
    const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (G - 1);
    out[i] = (v * R) / (R - 1) / G;
  });
  return out;
}

/** Fits, chooses the level, scores and resamples. `choose` overrides the level rule (the head-to-head's pair level). */
export function rankingCore(
  input: PreparedInput,
  settings: RankingSettings,
  choose?: (curves: VariantCurves[]) => DiversityLevel | null,
  rules: RankingRules = V3_RULES,
): RankingCore {
  if (rules.replicates === "pool")
    input = { ...input, variants: input.variants.map((v) => ({ ...v, replicates: [{ label: null, runs: v.runs }] })) };
  const points = computeRunPoints(input);
  const curves = fitVariants(input, points);
  const reaches = curves.map(variantReach).filter((x) => !Number.isNaN(x));
  const maxLevel = reaches.length ? Math.max(...reaches) : null;
  const level = choose ? choose(curves) : chooseLevel(curves, settings);

  const scored = level === null ? [] : curves.flatMap((c, v) => (variantReach(c) >= level.value ? [v] : []));
  const scores = new Float64Array(curves.length).fill(NaN);
  const samples = new Map<number, VariantSamples>();
  const B = settings.B;
  for (const v of scored) {
    const reps = fittedReplicates(curves[v]!);
    const replicateScores = reps.map((r) => fidelityAt(r.blocks, level!.value, rules.neighbourGapRatio));
    scores[v] = replicateScores.reduce((a, b) => a + b, 0) / reps.length;
    const perRep = reps.map((r) => curveSampleVariance(input, r, level!.value, rules.neighbourGapRatio));
    const runNs = reps.flatMap((r) =>
      r.runs.map((i) => {
        const a = input.runs[i]!.arrays;
        let n = 0;
        for (let p = 0; p < a.n.length; p++) n += a.n[p]!;
        return n / a.n.length;
      }),
    );
    samples.set(v, {
      score: scores[v]!,
      replicateScores,
      replicates: reps.map(() => new Float64Array(B).fill(NaN)),
      mean: new Float64Array(B).fill(NaN),
      beyond: new Uint8Array(B),
      replicateCorrections: reps.map(() => 0),
      sampleVariance: perRep.some((x) => x === null)
        ? null
        : perRep.reduce<number>((a, x) => a + x!, 0) / (reps.length * reps.length),
      samplesPerPrompt: median(runNs),
    });
  }
  const modes = new Map(
    scored.map((v) => [
      v,
      fittedReplicates(curves[v]!).map((r) =>
        // A replicate read below its span on the full sample is read the same way (flat) on every resample.
        curveFloor(r) > level!.value || rules.beyondSpan === "flat" ? ("flat" as const) : ("extend" as const),
      ),
    ]),
  );
  // Σ and Σ² of each run's weight over the resamples, per scored variant and replicate.
  const weightSums = new Map(
    scored.map((v) => [
      v,
      fittedReplicates(curves[v]!).map((r) => ({
        n: 0,
        s1: new Float64Array(r.runs.length),
        s2: new Float64Array(r.runs.length),
      })),
    ]),
  );
  const runCis = resampleRuns(input, settings, (resampled, b) => {
    for (const [v, s] of samples) {
      const reps = fittedReplicates(curves[v]!);
      const mode = modes.get(v)!;
      const sums = weightSums.get(v)!;
      let sum = 0;
      for (let k = 0; k < reps.length; k++) {
        const { value, beyond, runWeights } = resampledReading(
          reps[k]!,
          resampled,
          level!.value,
          mode[k]!,
          rules.neighbourGapRatio,
        );
        s.replicates[k]![b] = value;
        if (beyond) s.beyond[b] = 1;
        sum += value;
        if (runWeights) {
          const acc = sums[k]!;
          acc.n++;
          for (let i = 0; i < runWeights.length; i++) {
            acc.s1[i] += runWeights[i]!;
            acc.s2[i] += runWeights[i]! * runWeights[i]!;
          }
        }
      }
      s.mean[b] = sum / reps.length;
    }
  });
  // The bootstrap applies each resample's moved weights to the sample's own noise, on top of fresh
  // noise: Σ_r Var*(w_r)·σ²_r is counted twice (inference.ts); it is taken out of the prompt part.
  if (rules.weightCorrection) {
    for (const [v, s] of samples) {
      const reps = fittedReplicates(curves[v]!);
      s.replicateCorrections = reps.map((r, k) => {
        const { n, s1, s2 } = weightSums.get(v)![k]!;
        if (n < 2) return 0;
        const noise = runNoiseVariances(input, r.runs);
        let corr = 0;
        for (let i = 0; i < r.runs.length; i++) corr += ((s2[i]! - (s1[i]! * s1[i]!) / n) / (n - 1)) * noise[i]!;
        return corr;
      });
    }
  }
  const ctx: InferenceContext = { settings, rules, prompts: input.promptIds.length };
  return { input, settings, rules, points, curves, runCis, level, maxLevel, scored, scores, samples, ctx };
}

function replicateSummaries(core: RankingCore, v: number, scoredHere: boolean): ReplicateSummary[] {
  const { input, curves, level } = core;
  return curves[v]!.replicates.map((r) => ({
    label: r.label,
    runIds: r.allRuns.map((i) => input.runs[i]!.runId),
    fitted: fittedPoints(input, r),
    range: r.blocks.length ? { low: curveFloor(r), high: curveReach(r) } : null,
    score: scoredHere && r.blocks.length ? fidelityAt(r.blocks, level!.value, core.rules.neighbourGapRatio) : null,
  }));
}

const shownFit = (c: VariantCurves) => (c.replicates.length === 1 ? c.replicates[0]! : c.pooled);

export function scoredVariant(core: RankingCore, v: number): ScoredVariant {
  const { input, points, curves, runCis, level, scores, samples, ctx } = core;
  const curve = curves[v]!;
  const range = observedRange(curve);
  const floor = Math.max(...fittedReplicates(curve).map(curveFloor));
  const extended = floor > level!.value;
  const { ci, replicateVariance } = variantInterval(samples.get(v)!, ctx);
  return {
    variantId: input.variants[v]!.variantId,
    score: scores[v]!,
    extended,
    scoredAt: Math.max(floor, level!.value),
    range: range ?? { low: floor, high: variantReach(curve) },
    outOfRange: extended ? "below" : null,
    ci,
    replicateVariance,
    replicates: replicateSummaries(core, v, true),
    curve: curvePoints(input, v, points, curve, runCis),
    fitted: fittedPoints(input, shownFit(curve)),
    ...secondaryColumns(input, v, points),
  };
}

export function unrankedVariant(core: RankingCore, v: number): UnrankedVariant {
  const { input, points, curves, runCis, level } = core;
  const curve = curves[v]!;
  const runs = input.variants[v]!.runs;
  let reasonCode: UnrankedVariant["reasonCode"];
  let reason: string;
  const reps = fittedReplicates(curve);
  if (runs.length === 0) {
    reasonCode = "no_runs";
    reason = "no scored runs on this prompt set with this evaluator";
  } else if (reps.length === 0) {
    reasonCode = "no_scored_runs";
    reason = "no run has both a CLIP score and a diversity (diversity needs at least 2 images of a prompt)";
  } else {
    reasonCode = "below_level";
    const short = reps.filter((r) => curveReach(r) < level!.value);
    const which =
      reps.length > 1
        ? `replicate${short.length > 1 ? "s" : ""} ${short.map((r) => JSON.stringify(r.label ?? "(unlabelled)")).join(", ")} reach${short.length > 1 ? "" : "es"}`
        : "its curve reaches";
    reason = `${which} diversity ${fmt(Math.min(...short.map(curveReach)))} at most, below the comparison level ${fmt(level!.value)} (outside its observed range; never extended upward); lower the level to rank it`;
  }
  return {
    variantId: input.variants[v]!.variantId,
    reasonCode,
    reason,
    range: observedRange(curve),
    outOfRange: reasonCode === "below_level" ? "above" : null,
    replicates: replicateSummaries(core, v, false),
    curve: curvePoints(input, v, points, curve, runCis),
    fitted: fittedPoints(input, shownFit(curve)),
    ...secondaryColumns(input, v, points),
  };
}

/** The window where every listed curve (every replicate with a point) is observed. */
export function commonWindow(curves: VariantCurves[]): { low: number; high: number } | null {
  const reps = curves.flatMap(fittedReplicates);
  if (reps.length === 0) return null;
  const low = Math.max(...reps.map(curveFloor));
  const high = Math.min(...reps.map(curveReach));
  return low <= high ? { low, high } : null;
}

export function significanceStatus(prompts: number, rules: RankingRules): SignificanceStatus {
  const calibrated = prompts >= rules.minPrompts;
  return {
    calibrated,
    withheld: calibrated
      ? null
      : `${prompts} prompt${prompts === 1 ? "" : "s"}: below ${rules.minPrompts} prompts the tests are not calibrated, so no difference is called significant (intervals are shown, uncalibrated)`,
    minPrompts: rules.minPrompts,
  };
}

function medianOrNull(xs: (number | null)[]): number | null {
  const ys = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return ys.length ? median(ys) : null;
}

export function rankVariants(variants: readonly RankingVariant[], options: RankingOptions = {}): Ranking {
  return rankVariantsWithRules(variants, options, V3_RULES);
}

/** rankVariants under a given rule set (rules.ts): the property suite's switch back to v2. */
export function rankVariantsWithRules(
  variants: readonly RankingVariant[],
  options: RankingOptions,
  rules: RankingRules,
): Ranking {
  const settings = rankingOptionsSchema.parse(options);
  const core = rankingCore(prepareInput(variants), settings, undefined, rules);
  const { input, curves, points, scored, samples, ctx } = core;
  const n = scored.length;
  const significance = significanceStatus(input.promptIds.length, rules);

  // All pairs, Holm-corrected together.
  const raw: { i: number; j: number; d: ReturnType<typeof pairedDifference> }[] = [];
  for (let x = 0; x < n; x++) {
    for (let y = x + 1; y < n; y++) {
      const i = scored[x]!;
      const j = scored[y]!;
      raw.push({ i, j, d: pairedDifference(samples.get(i)!, samples.get(j)!, ctx) });
    }
  }
  const adjusted = holmAdjust(raw.map((p) => p.d.pValue ?? 1));
  const isSignificant = (k: number) =>
    significance.calibrated && adjusted[k]! < settings.significance && raw[k]!.d.estimate !== 0;
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
    if (!isSignificant(k)) return;
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
  const scores = core.scores;
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
      const { components, df: _df, ...rest } = d;
      const difference: PairedDifference = flip
        ? { ...rest, estimate: -rest.estimate, ci: rest.ci && { ...rest.ci, low: -rest.ci.high, high: -rest.ci.low } }
        : rest;
      return {
        a: id(a),
        b: id(b),
        difference,
        pAdjusted: adjusted[k]!,
        significant: isSignificant(k),
        dominant: dominates(a, b) ? "a" : dominates(b, a) ? "b" : null,
        components,
      };
    })
    .sort((p, q) => posById.get(p.a)! - posById.get(q.a)! || posById.get(p.b)! - posById.get(q.b)!);

  const inRanking = new Set(scored);
  const unranked = input.variants.flatMap((_, v) => (inRanking.has(v) ? [] : [unrankedVariant(core, v)]));
  return {
    methodVersion: METHOD_VERSION,
    diversity: core.level,
    window: commonWindow(curves),
    maxLevel: core.maxLevel,
    significance,
    power: boardPower(
      core,
      raw.map((r) => r.d),
      ranked,
    ),
    ranked,
    unranked,
    pairs,
    prompts: input.promptIds.length,
    settings,
  };
}

function boardPower(
  core: RankingCore,
  pairs: (PairedDifference & { components: VarianceComponents | null; df: number | null })[],
  ranked: RankedVariant[],
): BoardPower {
  const alpha = core.settings.significance;
  const m = pairs.length;
  const reps = ranked.map((v) => v.replicateVariance.replicates);
  const comps = pairs.map((p) => p.components).filter((c): c is VarianceComponents => c !== null);
  return {
    power: POWER_TARGET,
    alpha,
    prompts: core.input.promptIds.length,
    samplesPerPrompt: medianOrNull([...core.samples.values()].map((s) => s.samplesPerPrompt)) ?? 0,
    replicates: { min: reps.length ? Math.min(...reps) : 0, max: reps.length ? Math.max(...reps) : 0 },
    mde: medianOrNull(pairs.map((p) => p.mde)),
    mdeHolm: medianOrNull(
      pairs.map((p) => (p.ci?.se != null && p.df !== null ? minimumDetectable(p.ci.se, p.df, alpha / m) : null)),
    ),
    components: comps.length
      ? {
          prompt: median(comps.map((c) => c.prompt)),
          sample: medianOrNull(comps.map((c) => c.sample)),
          model: medianOrNull(comps.map((c) => c.model)),
        }
      : null,
  };
}
