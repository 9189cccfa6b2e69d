// The power calculator: how many prompts × samples per prompt × replicates a target difference
// needs, from a board's own variance components (BoardPower.components, inference.ts):
//
//   Var(A − B; G, n, R) = prompt/G + sample/(n·R·G) + model/R
//
// prompt: per-prompt variance of the difference beyond image sampling (it does not shrink with
// more images or replicates; part of it would shrink with replicates, so this is conservative);
// sample: one image's share (× 1/(n·R) per prompt); model: the two sides' between-replicate
// variances. MDE = (t_{ν, 1 − α/2} + t_{ν, power}) · √Var, ν = G − 1 when model is 0, else
// Welch–Satterthwaite with 2(R − 1) degrees of freedom for the model part.
// Example: prompt 50, sample 400, model 0, n = 8, R = 1, G = 16 → Var = 50/16 + 400/128 = 6.25,
// SE 2.5, ν = 15, MDE = (2.1314 + 0.8662) · 2.5 = 7.49 CLIPScore points (no c4: a design, not an estimate).
import { MIN_CALIBRATED_PROMPTS, POWER_TARGET } from "./settings";
import { MAX_DF, studentTQuantile } from "./student-t";
import type { VarianceComponents } from "./types";

export interface Design {
  prompts: number;
  samplesPerPrompt: number;
  replicates: number;
}

export interface DesignAnswer extends Design {
  mde: number;
  se: number;
  df: number;
}

/** Largest prompt count the search tries. */
export const MAX_DESIGN_PROMPTS = 100_000;

export function designVariance(c: VarianceComponents, d: Design): { variance: number; df: number } {
  const G = d.prompts;
  const within = c.prompt / G + (c.sample ?? 0) / (d.samplesPerPrompt * d.replicates * G);
  const model = (c.model ?? 0) / d.replicates;
  const variance = within + model;
  let df = Math.max(1, G - 1);
  if (model > 0 && d.replicates > 1) {
    const den = (within * within) / Math.max(1, G - 1) + (model * model) / (2 * (d.replicates - 1));
    df = (variance * variance) / den;
  }
  return { variance, df: Math.min(MAX_DF, Math.max(1, df)) };
}

/** The MDE of a design at two-sided `alpha` and `power`. */
export function designMde(c: VarianceComponents, d: Design, alpha: number, power = POWER_TARGET): DesignAnswer {
  const { variance, df } = designVariance(c, d);
  const se = Math.sqrt(variance);
  return { ...d, mde: (studentTQuantile(1 - alpha / 2, df) + studentTQuantile(power, df)) * se, se, df };
}

/**
 * The fewest prompts (≥ MIN_CALIBRATED_PROMPTS) at which the design detects `target`, or null when
 * no prompt count does (the model part alone needs more replicates) or it would take more than
 * MAX_DESIGN_PROMPTS.
 */
export function promptsNeeded(
  c: VarianceComponents,
  target: number,
  d: Omit<Design, "prompts">,
  alpha: number,
  power = POWER_TARGET,
): DesignAnswer | null {
  if (!(target > 0)) return null;
  const at = (G: number) => designMde(c, { ...d, prompts: G }, alpha, power);
  if (at(MAX_DESIGN_PROMPTS).mde > target) return null;
  let lo = MIN_CALIBRATED_PROMPTS;
  if (at(lo).mde <= target) return at(lo);
  let hi = MAX_DESIGN_PROMPTS;
  // The MDE falls as G grows (both the variance and the t quantiles do): bisect.
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (at(mid).mde <= target) hi = mid;
    else lo = mid;
  }
  return at(hi);
}
