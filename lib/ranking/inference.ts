// Intervals, tests and power of scores at the level (method v3), from the bootstrap's resampled
// scores and the replicates' own scores.
//
// Prompt part:  V_P = G/(G − 1) · Var_b(S*_b), the bootstrap variance over B resamples of the G
//               prompts times G/(G − 1): for a mean the bootstrap variance is (G − 1)/G · s²/G, so
//               the factor makes it the unbiased s²/G (Efron & Tibshirani 1993, §5.6; Davison &
//               Hinkley 1997, §2.4 on the bootstrap's small-sample bias). A difference uses the
//               paired resamples (the same prompts for both variants).
// Model part:   with R ≥ 2 replicates, V_M = s²_R/R − (W̄ − V_P)/(R − 1), clamped at 0, where s²_R
//               is the sample variance of the replicates' scores and W̄ the mean of their own
//               prompt parts. s²_R estimates σ²_model + σ²_noise/G (each replicate's images carry
//               their own noise), V_P already holds σ²_noise/(R·G), and W̄ − V_P estimates
//               σ²_noise·(R − 1)/(R·G): the subtraction keeps that noise from being counted twice
//               (the crossed-design ANOVA estimator; Searle, Casella & McCulloch 1992, ch. 4). With
//               one replicate V_M = 0 and model-level variance is unknown (stated).
// Interval:     S ± t_{ν, (1 + level)/2} · √(V_P + V_M), ν by Welch–Satterthwaite from G − 1
//               degrees of freedom for V_P and R − 1 for each V_M (Satterthwaite 1946); a score's
//               bounds are clamped to the metric's [0, 100] (the metric clamps after the mean, so
//               the clamped interval covers the clamped truth as often), a difference's never.
// Test:         p = 2 · P(T_ν ≥ |D| / SE); Holm over all pairs (holm.ts).
// Power:        MDE = (t_{ν, 1 − α/2} + t_{ν, power}) · SE / c4(ν): the true difference detected
//               with the target power (the usual approximation with t quantiles, exact to 0.2 % at
//               ν = 7; c4 unbiases the estimated SE; checked by simulation in calibration-*.test.ts).
// Under the v2 rules (rules.ts) the interval is the percentile interval of the resamples and
// p = min(1, 2·f) with f the share of resampled differences on the other side of 0.
import { quantileSorted } from "../metrics/bootstrap";
import type { RankingRules } from "./rules";
import { isReliable, type ResampleSettings } from "./resample";
import { POWER_TARGET, SCORE_RANGE } from "./settings";
import { logGamma, MAX_DF, studentTQuantile, studentTTwoSided } from "./student-t";
import type { LevelInterval, PairedDifference, ReplicateVariance, VarianceComponents } from "./types";

/** A scored variant's resampled values: what the intervals and tests rest on. */
export interface VariantSamples {
  /** Full-sample score: the mean of `replicateScores`. */
  score: number;
  /** Full-sample score of each replicate. */
  replicateScores: number[];
  /** Per replicate, its resampled scores (NaN = dropped). */
  replicates: Float64Array[];
  /** Mean over the replicates per resample (NaN when any is). */
  mean: Float64Array;
  /** 1 where a replicate's curve was read beyond its span in that resample. */
  beyond: Uint8Array;
  /** Per replicate, Σ_r Var*(w_r)·σ²_r: the part of its bootstrap variance counted twice (0 when not corrected). */
  replicateCorrections: number[];
  /** Per-prompt variance of the score's image sampling at its design (null when not stored). */
  sampleVariance: number | null;
  /** Median images per prompt of its runs. */
  samplesPerPrompt: number;
}

export interface InferenceContext {
  settings: ResampleSettings & { significance: number };
  rules: RankingRules;
  /** Prompts resampled (G). */
  prompts: number;
}

const smallSample = (G: number) => (G > 1 ? G / (G - 1) : 1);

/** Sample variance (n − 1) of the values where keep[b] is 1; NaN with fewer than 2. */
function variance(values: Float64Array, keep: Uint8Array, kept: number): number {
  if (kept < 2) return NaN;
  let s = 0;
  for (let b = 0; b < values.length; b++) if (keep[b]) s += values[b]!;
  const mean = s / kept;
  let ss = 0;
  for (let b = 0; b < values.length; b++) if (keep[b]) ss += (values[b]! - mean) ** 2;
  return ss / (kept - 1);
}

function sampleVarianceOf(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1);
}

/**
 * The prompt part from a bootstrap variance: c·Var* minus the double-counted weight movement,
 * never below half of c·Var* (a correction that large means the curve is read where it is too
 * noisy for a normal approximation; half keeps the interval from collapsing there).
 */
export function promptPart(bootVariance: number, c: number, correction: number): number {
  if (Number.isNaN(bootVariance)) return NaN;
  const raw = c * bootVariance;
  return Math.max(raw - correction, raw / 2);
}

const variantCorrection = (v: VariantSamples) =>
  v.replicateCorrections.reduce((a, b) => a + b, 0) / (v.replicates.length * v.replicates.length);

/** The model part V_M of one variant (0 with one replicate) and what the replicates show. */
function modelPart(
  v: VariantSamples,
  keep: Uint8Array,
  kept: number,
  c: number,
  G: number,
): ReplicateVariance & { vm: number; vp: number; dfM: number } {
  const R = v.replicates.length;
  const vp = promptPart(variance(v.mean, keep, kept), c, variantCorrection(v));
  if (R < 2)
    return {
      replicates: R,
      known: false,
      scoreSd: null,
      modelSd: null,
      promptSe: Number.isNaN(vp) ? null : Math.sqrt(vp),
      vm: 0,
      vp,
      dfM: 1,
    };
  const s2 = sampleVarianceOf(v.replicateScores);
  const w =
    v.replicates.reduce((a, x, k) => a + promptPart(variance(x, keep, kept), c, v.replicateCorrections[k]!), 0) / R;
  const overlap = Number.isNaN(w) || Number.isNaN(vp) ? 0 : Math.max(0, (w - vp) / (R - 1));
  const vm = Math.max(0, s2 / R - overlap);
  // Satterthwaite for a difference of mean squares: the subtracted overlap (G − 1 df) makes V_M
  // less certain than its R − 1 replicates alone would.
  const dfM = vm > 0 ? (vm * vm) / ((s2 / R) ** 2 / (R - 1) + (G > 1 ? overlap ** 2 / (G - 1) : 0)) : R - 1;
  return {
    replicates: R,
    known: true,
    scoreSd: Math.sqrt(s2),
    modelSd: Math.sqrt(Math.max(0, s2 - R * overlap)),
    promptSe: Number.isNaN(vp) ? null : Math.sqrt(vp),
    vm,
    vp,
    dfM,
  };
}

/**
 * Welch–Satterthwaite degrees of freedom of V_P plus the model parts (R − 1 df each). V_P's own
 * degrees of freedom combine the G − 1 of the prompts with the B − 1 of its Monte Carlo estimate
 * from B resamples (relative variances 2/(G − 1) and 2/(B − 1) add), so a small B widens the
 * interval as much as its noise calls for and B = 1000 hardly moves it.
 */
function satterthwaite(vp: number, G: number, kept: number, models: { vm: number; df: number }[]): number {
  const total = vp + models.reduce((a, m) => a + m.vm, 0);
  const dfP = G > 1 && kept > 1 ? 1 / (1 / (G - 1) + 1 / (kept - 1)) : 1;
  let den = (vp * vp) / dfP;
  for (const m of models) if (m.vm > 0) den += (m.vm * m.vm) / m.df;
  if (!(den > 0)) return Math.min(MAX_DF, Math.max(1, dfP));
  return Math.min(MAX_DF, Math.max(1, (total * total) / den));
}

function keepMask(arrays: Float64Array[]): { keep: Uint8Array; kept: number } {
  const B = arrays[0]!.length;
  const keep = new Uint8Array(B);
  let kept = 0;
  for (let b = 0; b < B; b++) {
    if (arrays.every((a) => !Number.isNaN(a[b]!))) {
      keep[b] = 1;
      kept++;
    }
  }
  return { keep, kept };
}

function countBeyond(keep: Uint8Array, ...flags: Uint8Array[]): number {
  let n = 0;
  for (let b = 0; b < keep.length; b++) if (keep[b] && flags.some((f) => f[b])) n++;
  return n;
}

function percentileBounds(values: Float64Array, keep: Uint8Array, level: number): { low: number; high: number } {
  const xs = values.filter((_, b) => keep[b] === 1).sort();
  const alpha = (1 - level) / 2;
  return { low: quantileSorted(xs, alpha), high: quantileSorted(xs, 1 - alpha) };
}

function interval(
  estimate: number,
  values: Float64Array,
  keep: Uint8Array,
  kept: number,
  parts: { vp: number; vm: number; df: number },
  beyondSpan: number,
  ctx: InferenceContext,
  clampToScore: boolean,
): LevelInterval | null {
  if (kept < 2 || Number.isNaN(parts.vp)) return null;
  const { level, B, seed } = ctx.settings;
  const se = Math.sqrt(parts.vp + parts.vm);
  let low: number;
  let high: number;
  if (ctx.rules.inference === "percentile") ({ low, high } = percentileBounds(values, keep, level));
  else {
    const q = studentTQuantile(1 - (1 - level) / 2, parts.df);
    low = estimate - q * se;
    high = estimate + q * se;
  }
  let clamped = false;
  if (clampToScore && (low < SCORE_RANGE.low || high > SCORE_RANGE.high)) {
    clamped = true;
    low = Math.min(SCORE_RANGE.high, Math.max(SCORE_RANGE.low, low));
    high = Math.min(SCORE_RANGE.high, Math.max(SCORE_RANGE.low, high));
  }
  return {
    low,
    high,
    level,
    method: ctx.rules.inference,
    se,
    promptVariance: parts.vp,
    modelVariance: parts.vm,
    df: parts.df,
    B,
    seed,
    resamples: kept,
    dropped: B - kept,
    beyondSpan,
    reliable: isReliable(kept, B),
    clamped,
  };
}

/** A scored variant's interval and what its replicates say. */
export function variantInterval(
  v: VariantSamples,
  ctx: InferenceContext,
): { ci: LevelInterval | null; replicateVariance: ReplicateVariance } {
  const { keep, kept } = keepMask([v.mean]);
  const c = ctx.rules.inference === "t" ? smallSample(ctx.prompts) : 1;
  const { vm: vmRaw, vp, dfM, ...replicateVariance } = modelPart(v, keep, kept, c, ctx.prompts);
  const vm = ctx.rules.inference === "t" ? vmRaw : 0;
  const df = satterthwaite(vp, ctx.prompts, kept, [{ vm, df: dfM }]);
  return {
    ci: interval(v.score, v.mean, keep, kept, { vp, vm, df }, countBeyond(keep, v.beyond), ctx, true),
    replicateVariance,
  };
}

/**
 * c4(ν) = E[s]/σ for a standard deviation estimated with ν degrees of freedom:
 * √(2/ν)·Γ((ν + 1)/2)/Γ(ν/2) (0.965 at ν = 7, 0.995 at ν = 49).
 */
export function c4(df: number): number {
  return Math.sqrt(2 / df) * Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2));
}

/**
 * MDE at `alpha` (two-sided) and POWER_TARGET for a difference with this estimated SE and ν:
 * (t_{1−α/2,ν} + t_{power,ν}) · SE / c4(ν). An estimated SE is c4(ν) of the true one on average,
 * so without the division the stated MDE would be a few percent short at 8 prompts and the
 * design would find it less often than stated.
 */
export function minimumDetectable(se: number, df: number, alpha: number, power = POWER_TARGET): number {
  return ((studentTQuantile(1 - alpha / 2, df) + studentTQuantile(power, df)) * se) / c4(df);
}

/** The paired difference a − b at the level: estimate, interval, p, MDE and variance components. */
export function pairedDifference(
  a: VariantSamples,
  b: VariantSamples,
  ctx: InferenceContext,
): PairedDifference & { components: VarianceComponents | null; df: number | null } {
  const estimate = a.score - b.score;
  const B = a.mean.length;
  const { keep, kept } = keepMask([a.mean, b.mean]);
  const diffs = new Float64Array(B);
  for (let k = 0; k < B; k++) diffs[k] = a.mean[k]! - b.mean[k]!;
  const G = ctx.prompts;
  const t = ctx.rules.inference === "t";
  const c = t ? smallSample(G) : 1;
  const vp = promptPart(variance(diffs, keep, kept), c, variantCorrection(a) + variantCorrection(b));
  const ma = modelPart(a, keep, kept, c, G);
  const mb = modelPart(b, keep, kept, c, G);
  const vm = t ? ma.vm + mb.vm : 0;
  const df = satterthwaite(
    vp,
    G,
    kept,
    t
      ? [
          { vm: ma.vm, df: ma.dfM },
          { vm: mb.vm, df: mb.dfM },
        ]
      : [],
  );
  const ci = interval(estimate, diffs, keep, kept, { vp, vm, df }, countBeyond(keep, a.beyond, b.beyond), ctx, false);
  let pValue: number | null = null;
  if (estimate === 0) pValue = 1;
  else if (ci !== null) {
    if (!t) {
      let other = 0;
      for (let k = 0; k < B; k++) if (keep[k] && (estimate > 0 ? diffs[k]! <= 0 : diffs[k]! >= 0)) other++;
      pValue = Math.min(1, (2 * other) / kept);
    } else pValue = ci.se! > 0 ? studentTTwoSided(estimate / ci.se!, df) : 0;
  }
  const se = ci?.se ?? null;
  let components: VarianceComponents | null = null;
  if (!Number.isNaN(vp) && kept >= 2) {
    const sampleA = a.sampleVariance;
    const sampleB = b.sampleVariance;
    const sampling = sampleA !== null && sampleB !== null ? sampleA + sampleB : null;
    components = {
      prompt: Math.max(0, vp * G - (sampling ?? 0)),
      sample:
        sampling === null
          ? null
          : sampleA! * a.samplesPerPrompt * a.replicates.length + sampleB! * b.samplesPerPrompt * b.replicates.length,
      model: ma.known && mb.known ? ma.vm * a.replicates.length + mb.vm * b.replicates.length : null,
    };
  }
  return {
    estimate,
    ci,
    pValue,
    resamples: kept,
    reliable: isReliable(kept, B),
    mde: se === null ? null : minimumDetectable(se, df, ctx.settings.significance),
    components,
    df: ci ? df : null,
  };
}
